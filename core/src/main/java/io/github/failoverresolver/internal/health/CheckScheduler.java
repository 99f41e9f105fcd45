package io.github.failoverresolver.internal.health;

import io.github.failoverresolver.HealthCheck;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;

/**
 * Runs every address's active check on its jittered schedule, with as little of the machine as it can: one
 * timer and one queue for all addresses (wake-ups at most every {@value #COALESCE_MS} ms when busy, exact
 * when few checks are due), and the checks due together handed to the bounded check pool in batches
 * (built-in checks {@value #BATCH} to a task; a user's check alone, since it may hang). A check waits for a
 * thread without being failed for the lack of one; its timeout runs from when it starts (a built-in check
 * blocks on plain sockets and the tick that sees its time is up closes them: {@link Cutoff}); two never run at
 * once for one address, and one still running at its next turn is hung and counts as failed. An address
 * that carried successful traffic since its last turn skips the probe (passive-first), never more than
 * {@value #MAX_SKIPPED_IN_A_ROW} turns in a row, so that a readiness change (a drain) is still seen.
 * Results are delivered on the control loop. Used only from the control loop, except the statistics.
 */
public final class CheckScheduler {
  /** With traffic, at most this many probes in a row are skipped. */
  public static final int MAX_SKIPPED_IN_A_ROW = 9;
  static final long COALESCE_MS = 50;
  static final int BATCH = 32;
  /** How long a batch may run before the results so far are handed over. */
  static final long FLUSH_MS = 50;
  private static final long NOT_STARTED = Long.MIN_VALUE;

  private final ScheduledExecutorService timers;
  private final Executor io;
  private final Executor loop;
  private final RandomGenerator random;
  private final Clock clock;
  private final LongAdder started = new LongAdder();
  private final LongAdder skipped = new LongAdder();
  private final LongAdder healthy = new LongAdder();
  private final LongAdder unhealthy = new LongAdder();
  private final LongAdder timedOut = new LongAdder();
  private final LongAdder checkMillis = new LongAdder();
  private final DueQueue<Slot> due = new DueQueue<>();
  private final Set<Slot> inFlight = new HashSet<>();
  private final long[] perSecond = new long[10];
  private final long[] second = new long[10];
  private ScheduledFuture<?> wake;
  private long wakeAt = Long.MAX_VALUE;
  private boolean tickQueued;

  /** One address's schedule; owned by the control loop (but {@code startedAt}, written by the check thread). */
  public static final class Slot extends DueQueue.Place {
    Plan plan;
    BiConsumer<Boolean, String> result;
    boolean stopped;
    boolean pending; // dispatched, result not in yet
    boolean timedOut; // the pending check was already counted as timed out
    long token;
    int skippedInARow;
    boolean hadVerdict; // a result was handed to the loop
    boolean forgiven; // its first slow failure was not counted (cold start)
    volatile long startedAt = NOT_STARTED;
    /** When the check thread had its result: a slow loop must not turn a quick check into a timeout. */
    volatile long finishedAt = NOT_STARTED;
    /** The running built-in check's cutoff (written by the check thread before {@code startedAt}). */
    volatile Cutoff cutoff;
  }

  /**
   * What to check and how often.
   *
   * @param builtIn a check of this library's (bounded by socket timeouts), which may share a thread's turn
   * @param takeTraffic whether the address carried successful traffic since its last turn (and clears that),
   *     for passive-first probing; always false when passive-first is off
   * @param forgiveSlowFirst a first check that fails by running out of time (a cold JVM's first TLS
   *     handshake) is not counted and is run again at once; a second one counts
   */
  public record Plan(HealthCheck check, HealthCheck.Context context, Duration interval, double jitter,
      boolean builtIn, BooleanSupplier takeTraffic, boolean forgiveSlowFirst) {}

  public CheckScheduler(ScheduledExecutorService timers, Executor io, Executor loop, RandomGenerator random,
      Clock clock) {
    this.timers = timers;
    this.io = io;
    this.loop = loop;
    this.random = random;
    this.clock = clock;
  }

  /** Starts checking: the first check after {@code firstDelayMs}, then on schedule; results on the loop. */
  public void start(Slot slot, Plan plan, long firstDelayMs, BiConsumer<Boolean, String> result) {
    slot.plan = plan;
    slot.result = result;
    enqueue(slot, clock.millis() + Math.max(0, firstDelayMs));
  }

  public void stop(Slot slot) {
    slot.stopped = true;
    cut(slot); // a check blocked on a socket returns now, not at its timeout
    due.remove(slot);
    inFlight.remove(slot);
  }

  /** Probes started so far. */
  public long probesStarted() {
    return started.sum();
  }

  /** Probes skipped because the address carried successful traffic (passive-first). */
  public long probesSkipped() {
    return skipped.sum();
  }

  /** Checks that returned healthy, unhealthy, and that ran past their timeout; and their total time in ms. */
  public long[] results() {
    return new long[] {healthy.sum(), unhealthy.sum(), timedOut.sum(), checkMillis.sum()};
  }

  /** Probes per second over the 10 s before {@code now}'s second. */
  public synchronized double probesPerSecond(long now) {
    long current = Math.floorDiv(now, 1000);
    long sum = 0;
    for (int i = 0; i < perSecond.length; i++) {
      if (second[i] < current && second[i] >= current - perSecond.length) {
        sum += perSecond[i];
      }
    }
    return sum / (double) perSecond.length;
  }

  private synchronized void counted(long now) {
    long s = Math.floorDiv(now, 1000);
    int i = (int) Math.floorMod(s, (long) perSecond.length);
    if (second[i] != s) {
      second[i] = s;
      perSecond[i] = 0;
    }
    perSecond[i]++;
  }

  private void enqueue(Slot slot, long at) {
    if (slot.stopped) {
      return;
    }
    due.add(slot, at); // moved if it was queued
    wakeBy(at);
  }

  /** Makes sure the loop ticks by {@code at}: at once if due, else on the one timer (moved only earlier). */
  private void wakeBy(long at) {
    long now = clock.millis();
    if (at <= now) {
      if (!tickQueued) {
        tickQueued = true;
        loop.execute(this::tick);
      }
      return;
    }
    if (tickQueued || at >= wakeAt) {
      return; // the queued tick, or an earlier wake, will see to it
    }
    if (wake != null) {
      wake.cancel(false);
    }
    wakeAt = at;
    try {
      wake = timers.schedule(() -> loop.execute(this::tick), at - now, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closed) {
      wake = null;
      wakeAt = Long.MAX_VALUE;
    }
  }

  /** The resolver closes (every slot stopped): no timer of ours is left on the scheduler. */
  public void shutdown() {
    if (wake != null) {
      wake.cancel(false);
      wake = null;
      wakeAt = Long.MAX_VALUE;
    }
  }

  private void tick() {
    tickQueued = false;
    long now = clock.millis();
    if (wakeAt <= now) {
      wakeAt = Long.MAX_VALUE;
      wake = null;
    }
    long nextTimeout = Long.MAX_VALUE;
    for (Slot s : List.copyOf(inFlight)) {
      long start = s.startedAt;
      long timeoutMs = s.plan.context().timeout().toMillis();
      if (!s.timedOut && start != NOT_STARTED && s.finishedAt == NOT_STARTED && now >= start + timeoutMs) {
        s.timedOut = true; // its late result is ignored; it stays pending until it returns
        cut(s); // a built-in check's blocking socket is closed: it returns now
        if (forgivable(s)) {
          s.forgiven = true; // run again as soon as it returns; still running one timeout later: hung, counted
          enqueue(s, now + timeoutMs);
        } else {
          verdict(s, false, "check timed out after " + timeoutMs + " ms");
          enqueue(s, now + delay(s.plan));
        }
      } else if (!s.timedOut) {
        nextTimeout = Math.min(nextTimeout, (start == NOT_STARTED ? now : start) + timeoutMs);
      }
    }
    List<Slot> batch = new ArrayList<>();
    int handled = 0;
    while (due.firstDue() <= now) {
      handled++;
      Slot s = due.poll();
      if (s.stopped) {
        continue;
      }
      if (s.pending) {
        if (s.startedAt != NOT_STARTED) {
          // started and still running at its next turn: hung (its timeout already counted it once)
          verdict(s, false, "previous check still running after its " + s.plan.context().timeout().toMillis()
              + " ms timeout (hung)");
        } // else still waiting for a thread: nothing is concluded about the address
        enqueue(s, now + delay(s.plan));
        continue;
      }
      if (s.plan.takeTraffic().getAsBoolean() && s.skippedInARow < MAX_SKIPPED_IN_A_ROW) {
        s.skippedInARow++;
        skipped.increment(); // real traffic succeeded since the last turn: that is the evidence
        enqueue(s, now + delay(s.plan));
        continue;
      }
      s.skippedInARow = 0;
      s.pending = true;
      s.timedOut = false;
      s.startedAt = NOT_STARTED;
      s.finishedAt = NOT_STARTED;
      s.token++;
      inFlight.add(s);
      counted(now);
      nextTimeout = Math.min(nextTimeout, now + s.plan.context().timeout().toMillis());
      if (!s.plan.builtIn()) {
        dispatch(List.of(s));
      } else {
        batch.add(s);
        if (batch.size() == BATCH) {
          dispatch(batch);
          batch = new ArrayList<>();
        }
      }
    }
    if (!batch.isEmpty()) {
      dispatch(batch);
    }
    long next = Math.min(nextTimeout, due.firstDue());
    if (next != Long.MAX_VALUE) {
      // busy (many checks a tick): tick at most every 50 ms; a few checks (small resolvers, tests): exactly
      wakeBy(handled >= 8 ? Math.max(next, now + COALESCE_MS) : Math.max(next, now + 1));
    }
  }

  /** One task for the batch: each check in turn, results handed to the loop together (or every 50 ms). */
  private void dispatch(List<Slot> batch) {
    long[] tokens = batch.stream().mapToLong(s -> s.token).toArray();
    try {
      io.execute(() -> {
        List<Runnable> results = new ArrayList<>(batch.size());
        long flushed = clock.millis();
        for (int i = 0; i < batch.size(); i++) {
          Slot s = batch.get(i);
          long token = tokens[i];
          long start = clock.millis();
          Cutoff cutoff = s.plan.builtIn() ? new Cutoff() : null;
          s.cutoff = cutoff;
          s.startedAt = start;
          started.increment();
          Cutoff.enter(cutoff);
          HealthCheck.Result r;
          try {
            r = call(s.plan);
          } finally {
            Cutoff.enter(null);
            s.cutoff = null; // returned: nothing left to cut (and its last socket is not kept, 10,000 of them)
          }
          long end = clock.millis();
          s.finishedAt = end;
          long timeoutMs = s.plan.context().timeout().toMillis();
          HealthCheck.Result judged = end - start > timeoutMs // late by its own clock, not by the loop's
              ? HealthCheck.Result.unhealthy("check timed out after " + timeoutMs + " ms") : r;
          (end - start > timeoutMs ? timedOut : judged.healthy() ? healthy : unhealthy).increment();
          checkMillis.add(end - start);
          // failed by running out of time (its own socket timeouts fire at the timeout), not refused
          boolean slowFailure = !judged.healthy() && (end - start) * 10 >= timeoutMs * 9;
          results.add(() -> deliver(s, token, judged, slowFailure));
          long now = clock.millis();
          if (now - flushed >= FLUSH_MS && i + 1 < batch.size()) {
            List<Runnable> ready = List.copyOf(results);
            results.clear();
            loop.execute(() -> ready.forEach(Runnable::run));
            flushed = now;
          }
        }
        loop.execute(() -> results.forEach(Runnable::run));
      });
    } catch (RejectedExecutionException closing) {
      long now = clock.millis();
      for (Slot s : batch) {
        s.pending = false;
        inFlight.remove(s);
        enqueue(s, now + delay(s.plan)); // nothing concluded; try at the next turn
      }
    }
  }

  private void deliver(Slot s, long token, HealthCheck.Result r, boolean slowFailure) {
    if (s.token != token) {
      return;
    }
    inFlight.remove(s);
    s.pending = false;
    s.startedAt = NOT_STARTED;
    s.finishedAt = NOT_STARTED;
    if (s.stopped) {
      return;
    }
    if (s.timedOut) {
      if (s.forgiven && !s.hadVerdict) {
        enqueue(s, clock.millis()); // the forgiven slow first check is back: its retry runs now
      }
      return; // a late result of a round already counted as timed out
    }
    if (slowFailure && forgivable(s)) {
      s.forgiven = true;
      enqueue(s, clock.millis());
      return;
    }
    verdict(s, r.healthy(), r.detail());
    enqueue(s, clock.millis() + delay(s.plan));
  }

  private static void cut(Slot s) {
    Cutoff c = s.cutoff;
    if (c != null) {
      c.expire();
    }
  }

  private static boolean forgivable(Slot s) {
    return s.plan.forgiveSlowFirst() && !s.hadVerdict && !s.forgiven;
  }

  private static void verdict(Slot s, boolean healthy, String detail) {
    s.hadVerdict = true;
    s.result.accept(healthy, detail);
  }

  private static HealthCheck.Result call(Plan plan) {
    try {
      HealthCheck.Result r = plan.check().check(plan.context());
      return r != null ? r : HealthCheck.Result.unhealthy("check returned no result");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return HealthCheck.Result.unhealthy("check interrupted");
    } catch (Exception | Error e) {
      return HealthCheck.Result.unhealthy("check threw " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private long delay(Plan plan) {
    long interval = plan.interval().toMillis();
    return interval + (long) (random.nextDouble() * plan.jitter() * interval);
  }
}

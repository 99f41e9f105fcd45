package io.github.failoverresolver.internal.health;

import io.github.failoverresolver.HealthCheck;
import java.time.Clock;
import java.time.Duration;
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
 * Runs each address's active check on a jittered schedule. A check waits for a thread of its bounded
 * executor (queued, never failed for the lack of one: the library's own trouble is not the address's
 * health); its timeout runs from when it starts, not from when it was queued; two never run at once for
 * one address, and one still running at its next turn is hung and counts as failed. An address that
 * carried successful traffic within its interval skips its probe (passive-first), but never more than
 * {@value #MAX_SKIPPED_IN_A_ROW} in a row, so that a readiness change (a drain) is still seen. Results are delivered on
 * the control loop. Used only from the control loop, except {@link #probesStarted()} and the like.
 */
public final class CheckScheduler {
  private final ScheduledExecutorService timers;
  private final Executor io;
  private final Executor loop;
  private final RandomGenerator random;
  private final Clock clock;
  private final LongAdder started = new LongAdder();
  private final LongAdder skipped = new LongAdder();
  /** Probes queued per clock second, for the last 10 s (written on the loop, read by snapshots). */
  private final long[] perSecond = new long[10];
  private final long[] second = new long[10];

  /** One address's schedule; owned by the control loop (but {@code started}, written by the check thread). */
  public static final class Slot {
    long token;
    boolean pending; // queued or running
    volatile boolean running; // a thread has started it
    boolean stopped;
    int skippedInARow;
    ScheduledFuture<?> next;
  }

  /** With traffic, at most this many probes in a row are skipped: readiness is still probed every 10th turn. */
  public static final int MAX_SKIPPED_IN_A_ROW = 9;

  /**
   * What to check and how often.
   *
   * @param takeTraffic whether the address carried successful traffic since its last round (and clears
   *     that), for passive-first probing; always false when passive-first is off
   */
  public record Plan(HealthCheck check, HealthCheck.Context context, Duration interval, double jitter,
      BooleanSupplier takeTraffic) {}

  public CheckScheduler(ScheduledExecutorService timers, Executor io, Executor loop, RandomGenerator random,
      Clock clock) {
    this.timers = timers;
    this.io = io;
    this.loop = loop;
    this.random = random;
    this.clock = clock;
  }

  /**
   * Starts checking: the first check after {@code firstDelayMs} (spreading a large start-up over time),
   * then on schedule; {@code result} gets (healthy, detail) on the loop.
   */
  public void start(Slot slot, Plan plan, long firstDelayMs, BiConsumer<Boolean, String> result) {
    if (firstDelayMs <= 0) {
      run(slot, plan, result);
    } else {
      schedule(slot, plan, result, firstDelayMs);
    }
  }

  public void stop(Slot slot) {
    slot.stopped = true;
    slot.token++;
    if (slot.next != null) {
      slot.next.cancel(false);
    }
  }

  /** Probes started so far. */
  public long probesStarted() {
    return started.sum();
  }

  /** Probes skipped because the address carried successful traffic within its interval. */
  public long probesSkipped() {
    return skipped.sum();
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

  private void run(Slot slot, Plan plan, BiConsumer<Boolean, String> result) {
    if (slot.stopped) {
      return;
    }
    long timeoutMs = plan.context().timeout().toMillis();
    if (slot.pending) {
      if (slot.running) {
        // started and still running at its next turn: hung (its timeout already counted it once)
        result.accept(false, "previous check still running after its " + timeoutMs + " ms timeout (hung)");
      } // else still waiting for a thread: nothing is concluded about the address
      schedule(slot, plan, result, delay(plan));
      return;
    }
    long now = clock.millis();
    if (plan.takeTraffic().getAsBoolean() && slot.skippedInARow < MAX_SKIPPED_IN_A_ROW) {
      slot.skippedInARow++;
      skipped.increment(); // real traffic succeeded within the interval: that is the evidence
      schedule(slot, plan, result, delay(plan));
      return;
    }
    counted(now);
    slot.skippedInARow = 0;
    long token = ++slot.token;
    slot.pending = true;
    slot.running = false;
    try {
      io.execute(() -> {
        slot.running = true;
        started.increment();
        ScheduledFuture<?> timeout = timers.schedule(() -> loop.execute(() -> {
          if (slot.token == token && slot.pending && !slot.stopped) {
            slot.token++; // a late result of this round is ignored; the slot stays pending until it returns
            result.accept(false, "check timed out after " + timeoutMs + " ms");
            schedule(slot, plan, result, delay(plan));
          }
        }), timeoutMs, TimeUnit.MILLISECONDS);
        HealthCheck.Result r = call(plan);
        timeout.cancel(false);
        loop.execute(() -> {
          slot.pending = false;
          slot.running = false;
          if (slot.token == token && !slot.stopped) {
            result.accept(r.healthy(), r.detail());
            schedule(slot, plan, result, delay(plan));
          }
        });
      });
    } catch (RejectedExecutionException full) {
      // no room even to queue (or closing): try again at the next turn, concluding nothing
      slot.pending = false;
      schedule(slot, plan, result, delay(plan));
    }
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

  private void schedule(Slot slot, Plan plan, BiConsumer<Boolean, String> result, long delayMs) {
    if (slot.stopped) {
      return;
    }
    try {
      slot.next = timers.schedule(() -> loop.execute(() -> run(slot, plan, result)), delayMs, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closed) {
      slot.stopped = true;
    }
  }
}

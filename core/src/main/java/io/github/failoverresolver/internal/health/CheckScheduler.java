package io.github.failoverresolver.internal.health;

import io.github.failoverresolver.HealthCheck;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.random.RandomGenerator;

/**
 * Runs each address's active check on a jittered schedule: never two at once for one address, a hung
 * check times out on its own timer, and a check that finds no free thread is deferred, never counted as
 * failed (the library's own trouble is not the address's health). Results are delivered on the control
 * loop. Used only from the control loop.
 */
public final class CheckScheduler {
  private static final long DEFER_MS = 250;

  private final ScheduledExecutorService timers;
  private final Executor io;
  private final Executor loop;
  private final RandomGenerator random;

  /** One address's schedule; owned by the control loop. */
  public static final class Slot {
    long token;
    boolean running;
    boolean stopped;
    ScheduledFuture<?> next;
  }

  /** What to check and how often. */
  public record Plan(HealthCheck check, HealthCheck.Context context, Duration interval, double jitter) {}

  public CheckScheduler(ScheduledExecutorService timers, Executor io, Executor loop, RandomGenerator random) {
    this.timers = timers;
    this.io = io;
    this.loop = loop;
    this.random = random;
  }

  /** Checks now, then on schedule; {@code result} gets (healthy, detail) on the loop. */
  public void start(Slot slot, Plan plan, BiConsumer<Boolean, String> result) {
    run(slot, plan, result);
  }

  public void stop(Slot slot) {
    slot.stopped = true;
    slot.token++;
    if (slot.next != null) {
      slot.next.cancel(false);
    }
  }

  private void run(Slot slot, Plan plan, BiConsumer<Boolean, String> result) {
    if (slot.stopped) {
      return;
    }
    long timeoutMs = plan.context().timeout().toMillis();
    if (slot.running) {
      // the previous check is still hung: never overlap, count the round as failed
      result.accept(false, "previous check still running after its " + timeoutMs + " ms timeout (hung)");
      schedule(slot, plan, result, delay(plan));
      return;
    }
    long token = ++slot.token;
    slot.running = true;
    ScheduledFuture<?> timeout = timers.schedule(() -> loop.execute(() -> {
      if (slot.token == token && slot.running && !slot.stopped) {
        slot.token++; // a late result of this round is ignored
        result.accept(false, "check timed out after " + timeoutMs + " ms");
        schedule(slot, plan, result, delay(plan));
      }
    }), timeoutMs, TimeUnit.MILLISECONDS);
    try {
      io.execute(() -> {
        HealthCheck.Result r = call(plan);
        loop.execute(() -> {
          boolean current = slot.token == token;
          slot.running = false;
          if (current && !slot.stopped) {
            timeout.cancel(false);
            result.accept(r.healthy(), r.detail());
            schedule(slot, plan, result, delay(plan));
          }
        });
      });
    } catch (RejectedExecutionException busy) {
      // no thread free: the check is deferred, and nothing is concluded about the address
      timeout.cancel(false);
      slot.running = false;
      slot.token++;
      schedule(slot, plan, result, Math.min(DEFER_MS, plan.interval().toMillis()));
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

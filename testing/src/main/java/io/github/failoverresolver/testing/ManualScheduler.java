package io.github.failoverresolver.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link ScheduledExecutorService} on virtual time, with the {@link Clock} it keeps: nothing runs
 * until the test calls {@link #advance(Duration)} or {@link #runDueTasks()}, and then tasks run on the
 * calling thread in due-time order, with the clock set to each task's due time. Thread-safe: tasks may
 * be scheduled from any thread, but only one thread should advance time.
 *
 * <p>{@link #execute(Runnable)} runs the task at once on the caller's thread, so code that hands work
 * to an executor stays deterministic under test.
 */
public final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
  private final MutableClock clock;
  private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
  private final AtomicLong sequence = new AtomicLong();
  private volatile boolean shutdown;

  public ManualScheduler() {
    this(Instant.parse("2026-01-01T00:00:00Z"));
  }

  public ManualScheduler(Instant start) {
    this.clock = new MutableClock(start);
  }

  /** The virtual clock; it moves only through {@link #advance(Duration)}. */
  public Clock clock() {
    return clock;
  }

  public Instant now() {
    return clock.instant();
  }

  /** Moves time forward by {@code duration}, running every task that falls due on the way. */
  public void advance(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("cannot move time backwards: " + duration);
    }
    long target = clock.nanos + duration.toNanos();
    while (true) {
      Task<?> next;
      synchronized (queue) {
        next = queue.peek();
        if (next == null || next.dueNanos > target) {
          break;
        }
        queue.poll();
      }
      clock.nanos = Math.max(clock.nanos, next.dueNanos);
      next.runOnce();
    }
    clock.nanos = target;
  }

  /**
   * Moves the clock without running anything: time that passes while a task runs (a slow check, a slow
   * handshake). Tasks it makes due run at the next {@link #advance} or {@link #runDueTasks}.
   */
  public void elapse(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("cannot move time backwards: " + duration);
    }
    clock.nanos += duration.toNanos();
  }

  /** Runs every task due at the current time, without moving the clock. */
  public void runDueTasks() {
    advance(Duration.ZERO);
  }

  /** Tasks scheduled and not yet run or cancelled. */
  public int pendingTasks() {
    synchronized (queue) {
      return (int) queue.stream().filter(t -> !t.isDone()).count();
    }
  }

  @Override
  public void execute(Runnable command) {
    if (shutdown) {
      throw new java.util.concurrent.RejectedExecutionException("scheduler is shut down");
    }
    command.run();
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return enqueue(new Task<>(Executors.callable(command), dueIn(delay, unit), 0, false));
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    return enqueue(new Task<>(callable, dueIn(delay, unit), 0, false));
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
    return enqueue(new Task<>(Executors.callable(command), dueIn(initialDelay, unit), unit.toNanos(period), true));
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
    return enqueue(new Task<>(Executors.callable(command), dueIn(initialDelay, unit), unit.toNanos(delay), false));
  }

  private long dueIn(long delay, TimeUnit unit) {
    return clock.nanos + Math.max(0, unit.toNanos(delay));
  }

  private <V> Task<V> enqueue(Task<V> task) {
    if (shutdown) {
      throw new java.util.concurrent.RejectedExecutionException("scheduler is shut down");
    }
    synchronized (queue) {
      queue.add(task);
    }
    return task;
  }

  @Override
  public void shutdown() {
    shutdown = true;
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown = true;
    List<Runnable> pending = new ArrayList<>();
    synchronized (queue) {
      for (Task<?> t : queue) {
        t.cancel(false);
        pending.add(t::runOnce);
      }
      queue.clear();
    }
    return pending;
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return shutdown;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return shutdown;
  }

  private final class Task<V> implements ScheduledFuture<V>, Comparable<Delayed> {
    private final Callable<V> body;
    private final long period;
    private final boolean fixedRate;
    private final long seq = sequence.getAndIncrement();
    private volatile long dueNanos;
    private volatile int state; // 0 pending, 1 done, 2 cancelled
    private volatile V result;
    private volatile Throwable failure;

    Task(Callable<V> body, long dueNanos, long period, boolean fixedRate) {
      this.body = body;
      this.dueNanos = dueNanos;
      this.period = period;
      this.fixedRate = fixedRate;
    }

    void runOnce() {
      if (state != 0) {
        return;
      }
      try {
        V value = body.call();
        if (period == 0) {
          result = value;
          state = 1;
          return;
        }
      } catch (Throwable t) {
        // a periodic task that throws is not run again, as in ScheduledThreadPoolExecutor
        failure = t;
        state = 1;
        return;
      }
      dueNanos = (fixedRate ? dueNanos : clock.nanos) + period;
      if (state == 0 && !shutdown) {
        synchronized (queue) {
          queue.add(this);
        }
      }
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(dueNanos - clock.nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      if (other instanceof Task<?> t) {
        int c = Long.compare(dueNanos, t.dueNanos);
        return c != 0 ? c : Long.compare(seq, t.seq);
      }
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      if (state != 0) {
        return false;
      }
      state = 2;
      synchronized (queue) {
        queue.remove(this);
      }
      return true;
    }

    @Override
    public boolean isCancelled() {
      return state == 2;
    }

    @Override
    public boolean isDone() {
      return state != 0;
    }

    @Override
    public V get() throws ExecutionException {
      if (state == 2) {
        throw new CancellationException();
      }
      if (state == 0) {
        throw new IllegalStateException("task not run yet: advance the ManualScheduler first");
      }
      if (failure != null) {
        throw new ExecutionException(failure);
      }
      return result;
    }

    @Override
    public V get(long timeout, TimeUnit unit) throws ExecutionException {
      return get();
    }
  }

  /** A clock whose time only this scheduler moves. */
  private static final class MutableClock extends Clock {
    private final Instant origin;
    volatile long nanos;

    MutableClock(Instant origin) {
      this.origin = origin;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("the manual clock is UTC only");
    }

    @Override
    public Instant instant() {
      return origin.plusNanos(nanos);
    }

    @Override
    public long millis() {
      return instant().toEpochMilli();
    }
  }
}

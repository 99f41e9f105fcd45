package io.github.failoverresolver.internal;

import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a delegate executor: the control loop. Whatever the
 * delegate (one thread of ours, or the caller's thread in tests), no two tasks ever overlap, so the state
 * they touch needs no lock. A task that throws is logged and the loop goes on. Thread-safe.
 */
public final class SerialExecutor implements Executor {
  private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final ThreadLocal<Boolean> inLoop = ThreadLocal.withInitial(() -> false);
  private final Executor delegate;

  public SerialExecutor(Executor delegate) {
    this.delegate = delegate;
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    schedule();
  }

  private void schedule() {
    if (draining.compareAndSet(false, true)) {
      try {
        delegate.execute(this::drain);
      } catch (java.util.concurrent.RejectedExecutionException rejected) {
        draining.set(false);
        if (closed()) {
          tasks.clear(); // the resolver closed: a late result (a lookup, a check) has nobody to tell
          return;
        }
        throw rejected;
      } catch (RuntimeException rejected) {
        draining.set(false);
        throw rejected;
      }
    }
  }

  /** Whether the delegate is an executor that was shut down (the resolver closed). */
  private boolean closed() {
    return delegate instanceof java.util.concurrent.ExecutorService es && es.isShutdown();
  }

  private void drain() {
    inLoop.set(true);
    try {
      Runnable task;
      while ((task = tasks.poll()) != null) {
        try {
          task.run();
        } catch (RuntimeException | Error e) {
          log.error("control loop task failed; continuing", e);
        }
      }
    } finally {
      inLoop.set(false);
      draining.set(false);
    }
    if (!tasks.isEmpty()) {
      schedule();
    }
  }

  /** True on the thread currently running this loop's tasks. */
  public boolean inLoop() {
    return inLoop.get();
  }

  /**
   * Runs {@code task} in the loop and waits for its result (at once when already in the loop).
   *
   * @throws IllegalStateException when the loop does not get to it within {@code timeoutMillis}
   */
  public <T> T call(Callable<T> task, long timeoutMillis) {
    if (inLoop()) {
      try {
        return task.call();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    if (closed()) {
      throw new IllegalStateException("the resolver is closed");
    }
    FutureTask<T> future = new FutureTask<>(task);
    execute(future);
    try {
      return future.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the control loop", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("the control loop did not answer within " + timeoutMillis + " ms");
    }
  }
}

package io.github.failoverresolver.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resolver's own threads, made only where the user gave no executor: few, named, daemon and bounded;
 * {@link #close()} stops them all. Thread-safe.
 */
public final class OwnedExecutors implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OwnedExecutors.class);
  /** A hung check holds one thread (and its address gets no second one: checks never overlap). */
  public static final int CHECK_THREADS = 32;

  private final List<ExecutorService> owned = new ArrayList<>();

  /** {@code given}, or one daemon timer thread of ours. */
  public synchronized ScheduledExecutorService timers(ScheduledExecutorService given) {
    if (given != null) {
      return given;
    }
    ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, new DaemonThreads("scheduler"));
    s.setRemoveOnCancelPolicy(true);
    owned.add(s);
    return s;
  }

  /** {@code given}, or a bounded pool for blocking I/O (checks, trust rounds, DNS); refuses when full. */
  public synchronized Executor io(Executor given) {
    if (given != null) {
      return given;
    }
    ThreadPoolExecutor pool = new ThreadPoolExecutor(0, CHECK_THREADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
        new DaemonThreads("check"), new ThreadPoolExecutor.AbortPolicy());
    owned.add(pool);
    return pool;
  }

  /** {@code given}, or one daemon thread for the serial control loop. */
  public synchronized Executor loop(Executor given) {
    if (given != null) {
      return given;
    }
    ThreadPoolExecutor single = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
        new DaemonThreads("control"));
    owned.add(single);
    return single;
  }

  /** Stops every thread of ours, waiting up to 5 s for each pool. */
  @Override
  public synchronized void close() {
    owned.forEach(ExecutorService::shutdownNow);
    for (ExecutorService es : owned) {
      try {
        if (!es.awaitTermination(5, TimeUnit.SECONDS)) {
          log.warn("a resolver thread did not stop within 5 s (a hung health check?)");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}

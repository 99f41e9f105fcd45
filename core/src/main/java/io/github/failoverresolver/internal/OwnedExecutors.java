package io.github.failoverresolver.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
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
  /** Trust rounds: a hung credential source holds one thread; its endpoint is blocked after a bound. */
  public static final int TRUST_THREADS = 4;
  /** Endpoint name lookups and the cache's background refreshes. */
  public static final int DNS_THREADS = 4;

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

  /**
   * {@code given}, or a pool of at most {@code threads} for active checks; more checks wait in its queue
   * (each address has at most one check pending, so the queue is bounded by the addresses).
   */
  public synchronized Executor checks(Executor given, int threads) {
    return given != null ? given : pool("check", threads, Integer.MAX_VALUE);
  }

  /** {@code given}, or a small pool for trust rounds (credential sources are user code and may hang). */
  public synchronized Executor trust(Executor given) {
    return given != null ? given : pool("trust", TRUST_THREADS, Integer.MAX_VALUE);
  }

  /** {@code given}, or a small pool for DNS lookups and refreshes; a full queue drops a refresh, never a check. */
  public synchronized Executor dns(Executor given) {
    return given != null ? given : pool("dns", DNS_THREADS, 10_000);
  }

  private ThreadPoolExecutor pool(String role, int threads, int queue) {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(queue), new DaemonThreads(role), new ThreadPoolExecutor.AbortPolicy());
    pool.allowCoreThreadTimeOut(true);
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

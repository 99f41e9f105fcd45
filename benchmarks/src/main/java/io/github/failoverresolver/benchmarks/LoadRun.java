package io.github.failoverresolver.benchmarks;

import io.github.failoverresolver.DnsAnswer;
import io.github.failoverresolver.DnsCache;
import io.github.failoverresolver.FailoverResolver;
import io.github.failoverresolver.RecordType;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A fixed-rate load from several client threads with a fault injected part-way, and what the clients saw
 * from the fault on. Shared by the failover-time harnesses. Bounded: each thread stops at the end time
 * (a request in flight then finishes within its client's own timeouts, and the run waits at most 30 s).
 */
final class LoadRun {
  private LoadRun() {}

  /** What clients saw from the fault on; -1 where there was nothing to measure. */
  record Result(int requests, int failed, long firstBackupMs, long p50Ms, long p99Ms, long maxMs, int over1s) {
    @Override
    public String toString() {
      return "requests=" + requests + " failed=" + failed + " first_backup_ms=" + firstBackupMs + " p50_ms=" + p50Ms
          + " p99_ms=" + p99Ms + " max_ms=" + maxMs + " over_1s=" + over1s;
    }
  }

  private record Sample(long startNanos, long endNanos, String servedBy) {}

  /**
   * @param call one request; returns who served it ({@code X-Served-By} or the reply), or null when it failed
   */
  static Result run(int threads, Duration period, Duration before, Duration after, Runnable fault,
      Supplier<String> call) throws InterruptedException {
    List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
    long start = System.nanoTime();
    long faultAt = start + before.toNanos();
    long end = faultAt + after.toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "load-client");
      t.setDaemon(true);
      return t;
    });
    for (int i = 0; i < threads; i++) {
      long offset = period.toNanos() * i / threads; // spread the threads over the period
      pool.execute(() -> {
        long next = start + offset;
        while (System.nanoTime() < end) {
          long t0 = System.nanoTime();
          String servedBy = call.get();
          samples.add(new Sample(t0, System.nanoTime(), servedBy));
          next += period.toNanos();
          long sleep = next - System.nanoTime();
          if (sleep > 0) {
            try {
              Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
            } catch (InterruptedException e) {
              return;
            }
          } else {
            next = System.nanoTime(); // behind: no burst to catch up
          }
        }
      });
    }
    long wait = faultAt - System.nanoTime();
    if (wait > 0) {
      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
    }
    long injected = System.nanoTime();
    fault.run();
    pool.shutdown();
    if (!pool.awaitTermination(after.toMillis() + 30_000, TimeUnit.MILLISECONDS)) {
      pool.shutdownNow();
    }
    List<Sample> afterFault;
    synchronized (samples) {
      afterFault = samples.stream().filter(s -> s.endNanos() >= injected).toList();
    }
    int failed = (int) afterFault.stream().filter(s -> s.servedBy() == null).count();
    long firstBackup = afterFault.stream().filter(s -> "backup".equals(s.servedBy()))
        .mapToLong(s -> s.endNanos() - injected).min().orElse(-1_000_000L) / 1_000_000;
    long[] latencies = afterFault.stream().mapToLong(s -> (s.endNanos() - s.startNanos()) / 1_000_000).sorted()
        .toArray();
    int over = (int) java.util.Arrays.stream(latencies).filter(l -> l > 1_000).count();
    return new Result(afterFault.size(), failed, firstBackup, pct(latencies, 50), pct(latencies, 99),
        latencies.length == 0 ? -1 : latencies[latencies.length - 1], over);
  }

  private static long pct(long[] sorted, int p) {
    if (sorted.length == 0) {
      return -1;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }

  static void awaitReady(FailoverResolver resolver, String service) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      try {
        resolver.select(service);
        return;
      } catch (RuntimeException notYet) {
        if (System.nanoTime() > deadline) {
          throw notYet;
        }
        Thread.sleep(10);
      }
    }
  }

  /** The status quo: an answer is kept for the record's TTL, as the OS and the JVM's InetAddress cache do. */
  static final class TtlCachingDns implements okhttp3.Dns {
    private final DnsCache dns;
    private final long ttlNanos;
    private List<InetAddress> cached;
    private long expires;

    TtlCachingDns(DnsCache dns, Duration ttl) {
      this.dns = dns;
      this.ttlNanos = ttl.toNanos();
    }

    @Override
    public synchronized List<InetAddress> lookup(String hostname) throws UnknownHostException {
      if (cached == null || System.nanoTime() >= expires) {
        DnsAnswer a = dns.lookup(hostname, RecordType.A);
        cached = a.addresses();
        expires = System.nanoTime() + ttlNanos;
      }
      return cached;
    }
  }
}

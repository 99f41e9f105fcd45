package io.github.failoverresolver.benchmarks;

import io.github.failoverresolver.DnsCache;
import io.github.failoverresolver.DnsSettings;
import io.github.failoverresolver.RecordType;
import io.github.failoverresolver.Upstreams;
import io.github.failoverresolver.testing.LoopbackDnsServer;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The DNS cache's real heap under huge answers: {@code lookups} distinct names, each answered (over TCP,
 * after a truncated UDP reply) with 4,000 A records by a loopback server's wildcard, looked up once each.
 * Prints one line per byte budget: the heap retained by the cache (heap used after GC with the cache
 * open, minus the same after closing and dropping it), its own estimate, the entries held and the time
 * taken. Loopback only; bounded by the number of lookups and a deadline.
 *
 * <pre>java -Xmx256m -cp benchmarks/target/benchmarks.jar \
 *   io.github.failoverresolver.benchmarks.DnsCacheHeapHarness [--lookups 10000] [--budgets-mb 64,16]</pre>
 */
public final class DnsCacheHeapHarness {
  private static final int RECORDS = 4_000;

  private DnsCacheHeapHarness() {}

  public static void main(String[] args) throws Exception {
    int lookups = 10_000;
    List<Long> budgets = List.of(64L, 16L);
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--lookups" -> lookups = Integer.parseInt(args[i + 1]);
        case "--budgets-mb" -> budgets = java.util.Arrays.stream(args[i + 1].split(",")).map(Long::parseLong).toList();
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    String[] ips = new String[RECORDS];
    for (int i = 0; i < RECORDS; i++) {
      ips[i] = "10." + (i >> 8) + "." + (i & 255) + ".1";
    }
    try (LoopbackDnsServer server = LoopbackDnsServer.start()) {
      server.zone("big.test", 3600, 30).a("*.big.test", 3600, ips);
      for (long mb : budgets) {
        run(server, lookups, mb << 20);
      }
    }
  }

  private static void run(LoopbackDnsServer server, int lookups, long budget) throws Exception {
    long base = usedAfterGc();
    DnsCache[] holder = {DnsCache.create(DnsSettings.builder()
        .provider("loopback", Upstreams.of(server.hostAndPort()))
        .queryTimeout(Duration.ofSeconds(5))
        .maxTtl(Duration.ofHours(1))
        .maxCacheBytes(budget)
        .build())};
    DnsCache cache = holder[0];
    long started = System.nanoTime();
    long deadline = started + TimeUnit.MINUTES.toNanos(10);
    AtomicLong failed = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      int threads = 4;
      for (int t = 0; t < threads; t++) {
        int first = t;
        int total = lookups;
        done.add(pool.submit(() -> {
          for (int n = first; n < total && System.nanoTime() < deadline; n += threads) {
            try {
              if (holder[0].lookup("n" + n + ".big.test", RecordType.A).addresses().size() != RECORDS) {
                failed.incrementAndGet();
              }
            } catch (Exception e) {
              failed.incrementAndGet();
            }
          }
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    server.clearLog(); // the server's query log is the test server's memory, not the cache's
    long held = usedAfterGc();
    long estimate = cache.estimatedBytes();
    long queries = cache.stats().upstreamQueries();
    cache.close();
    cache = null;
    holder[0] = null;
    long after = usedAfterGc();
    System.out.printf("lookups=%d records_per_answer=%d budget_mb=%d retained_heap_mb=%.1f estimated_mb=%.1f"
            + " upstream_queries=%d heap_above_start_mb=%.1f failed=%d elapsed_ms=%d max_heap_mb=%d%n",
        lookups, RECORDS, budget >> 20, (held - after) / 1048576.0, estimate / 1048576.0, queries,
        (held - base) / 1048576.0, failed.get(), elapsedMs, Runtime.getRuntime().maxMemory() >> 20);
  }

  private static long usedAfterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(100); // lets the collector finish and reference handlers run; a measurement, not a wait
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}

package io.github.failoverresolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.failoverresolver.testing.LoopbackDnsServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Real threads, real clock: coalescing of misses and the threads the cache owns. */
class DnsConcurrencyTest {

  @Test
  void hundredConcurrentMissesMakeOneUpstreamQuery() throws Exception {
    try (LoopbackDnsServer server = LoopbackDnsServer.start();
        DnsCache cache = DnsCache.create(DnsSettings.builder()
            .provider("only", Upstreams.of(server.hostAndPort()))
            .queryTimeout(Duration.ofSeconds(20))
            .build())) {
      server.a("busy.test", 300, "127.0.0.50");
      server.pause(); // the first query is held until every caller has started
      ExecutorService callers = Executors.newFixedThreadPool(100);
      try {
        CountDownLatch started = new CountDownLatch(100);
        List<Future<DnsAnswer>> answers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
          answers.add(callers.submit(() -> {
            started.countDown();
            return cache.lookup("busy.test", RecordType.A);
          }));
        }
        assertTrue(started.await(30, TimeUnit.SECONDS));
        assertTrue(server.awaitQueries(1, Duration.ofSeconds(30)));
        server.resume();
        Set<String> seen = ConcurrentHashMap.newKeySet();
        for (Future<DnsAnswer> a : answers) {
          seen.add(a.get(30, TimeUnit.SECONDS).addresses().get(0).getHostAddress());
        }
        assertEquals(Set.of("127.0.0.50"), seen);
        assertEquals(1, server.queryCount("busy.test"), "one upstream query for 100 callers");
        DnsStats stats = cache.stats();
        assertEquals(99, stats.coalescedMisses() + stats.cacheHits(), stats.toString());
      } finally {
        callers.shutdownNow();
      }
    }
  }

  @Test
  void closeStopsEveryThreadItStartedAndIsIdempotent() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    try (LoopbackDnsServer server = LoopbackDnsServer.start()) {
      server.a("api.test", 1, "127.0.0.10");
      DnsCache cache = DnsCache.builder(DnsSettings.builder()
              .provider("only", Upstreams.of(server.hostAndPort()))
              .build())
          .listener(e -> { })
          .build();
      cache.lookup("api.test", RecordType.A);
      cache.lookup("api.test", RecordType.A); // in use: the refresh pool and scheduler get work
      List<Thread> ours = LibraryThreads.startedSince(before);
      assertTrue(ours.stream().anyMatch(t -> t.getName().startsWith("failover-resolver-dns-scheduler")), ours.toString());
      assertTrue(ours.stream().allMatch(Thread::isDaemon), "daemons only: " + ours);

      cache.close();
      cache.close();
      assertEquals(List.of(), LibraryThreads.stillAliveAfterJoin(before));
    }
  }
}

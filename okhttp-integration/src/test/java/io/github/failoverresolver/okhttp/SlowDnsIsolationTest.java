package io.github.failoverresolver.okhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.failoverresolver.FailoverEvent;
import io.github.failoverresolver.HealthChecks;
import io.github.failoverresolver.ResolverFixture;
import io.github.failoverresolver.ResolverSnapshot;
import io.github.failoverresolver.Target;
import io.github.failoverresolver.testing.LoopbackHttpServer;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import okhttp3.Dns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The library's own trouble is never the service's health: an application resolves 200 unrelated names
 * through {@link FailoverDns} while the DNS server takes 1.8 s per answer (inside the 2 s timeout), so the
 * cache's background refreshes pile up; the checks of two healthy IP-literal endpoints run on their own
 * pool meanwhile, and no address's health and no routing table moves. The resolver's own pools, virtual
 * time for intervals and TTLs, real sockets.
 */
class SlowDnsIsolationTest {
  static final int NAMES = 200;
  final ResolverFixture f = new ResolverFixture(Instant.now());
  final ExecutorService application = Executors.newFixedThreadPool(NAMES, r -> {
    Thread t = new Thread(r, "test-application");
    t.setDaemon(true);
    return t;
  });

  @AfterEach
  void close() throws Exception {
    application.shutdownNow();
    f.close();
  }

  /** Resolves every name from its own application thread, as a busy service would; waits for them all. */
  int resolveAll(Dns dns) throws Exception {
    List<Future<Boolean>> calls = new ArrayList<>();
    for (int i = 0; i < NAMES; i++) {
      String name = "unrelated-" + i + ".test";
      calls.add(application.submit(() -> {
        try {
          return !dns.lookup(name).isEmpty();
        } catch (java.net.UnknownHostException slow) {
          return false;
        }
      }));
    }
    int answered = 0;
    for (Future<Boolean> c : calls) {
      answered += c.get(30, TimeUnit.SECONDS) ? 1 : 0;
    }
    return answered;
  }

  @Test
  void slowAnswersForOtherNamesMoveNoHealthAndNoRoutingTable() throws Exception {
    LoopbackHttpServer a = f.closeLater(LoopbackHttpServer.http("a"));
    LoopbackHttpServer b = f.closeLater(LoopbackHttpServer.start("b", InetAddress.getByName("127.0.0.2"), 0, null));
    for (int i = 0; i < NAMES; i++) {
      f.dns.a("unrelated-" + i + ".test", 5, "127.0.0.9");
    }
    f.start(r -> r
        .dns(io.github.failoverresolver.DnsSettings.builder()
            .provider("loopback", io.github.failoverresolver.Upstreams.of(f.dns.hostAndPort()))
            .queryTimeout(Duration.ofSeconds(2)).build())
        .service("pay", s -> s
            .tier(0, "127.0.0.1:" + a.port(), e -> e.check(HealthChecks.tcp()).interval(Duration.ofSeconds(1))
                .jitter(0).passiveFirst(false))
            .tier(1, "127.0.0.2:" + b.port(), e -> e.check(HealthChecks.tcp()).interval(Duration.ofSeconds(1))
                .jitter(0).passiveFirst(false))), x -> x, null);
    awaitChecked(Instant.EPOCH);
    Target before = awaitTarget();
    Dns dns = FailoverDns.of(f.resolver);
    assertEquals(NAMES, resolveAll(dns), "every name cached while the server is quick");

    f.dns.delay(Duration.ofMillis(1800));
    int events = f.events.size();
    for (int second = 1; second <= 6; second++) {
      f.advanceSeconds(1); // a check round of both endpoints; from 4 s on, the names are due for refresh
      awaitChecked(Instant.ofEpochMilli(f.time.clock().millis()));
      if (second == 4) {
        resolveAll(dns); // cache hits that start 200 background refreshes against the slow server
      }
    }
    List<FailoverEvent> after = f.events.subList(events, f.events.size());
    assertEquals(List.of(), after.stream().filter(e -> !(e instanceof FailoverEvent.StaleAnswerServed)).toList(),
        "no address went down, nothing failed over");
    Target now = f.resolver.select("pay");
    assertEquals(before.generation(), now.generation(), "the routing table never changed");
    assertEquals(before.endpoint(), now.endpoint());
    assertTrue(f.resolver.snapshot().stats().probesStarted() >= 12, "checks kept running");
  }

  /** Waits (bounded) for the first decision after the first check results. */
  Target awaitTarget() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      try {
        return f.resolver.select("pay");
      } catch (io.github.failoverresolver.NoEligibleTargetException notYet) {
        if (System.nanoTime() > deadline) {
          throw notYet;
        }
        Thread.sleep(2);
      }
    }
  }

  /** Waits (bounded) until both addresses have a check result from {@code since} on. */
  void awaitChecked(Instant since) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      ResolverSnapshot.Service s = f.resolver.snapshot().service("pay").orElseThrow();
      boolean done = s.endpoints().stream().flatMap(e -> e.addresses().stream())
          .allMatch(x -> x.lastChecked().map(t -> !t.isBefore(since)).orElse(false));
      if (done) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("checks did not finish: " + s);
      }
      Thread.sleep(2);
    }
  }
}

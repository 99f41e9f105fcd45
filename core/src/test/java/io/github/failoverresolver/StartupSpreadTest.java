package io.github.failoverresolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * A start-up of more endpoints than {@code startup-check-rate} spreads its first checks over one interval at
 * that rate, the primaries' first: services reach their primaries in the first part of the spread, and no
 * backup is checked before every primary has been (virtual time, no sockets). Endpoints given as names are
 * looked up in the same order: every service's primary first.
 */
class StartupSpreadTest {

  @Test
  void primariesAreCheckedFirstAtTheSameRate() throws Exception {
    int services = 20;
    try (ResolverFixture f = new ResolverFixture()) {
      Instant t0 = f.time.now();
      Map<String, Long> firstCheckMs = new ConcurrentHashMap<>();
      HealthCheck recording = c -> {
        firstCheckMs.putIfAbsent(c.address().getAddress().getHostAddress(),
            Duration.between(t0, f.time.now()).toMillis());
        return HealthCheck.Result.healthy("ok");
      };
      // 40 endpoints at 10 first checks a second: spread over 4 s, the 20 primaries over its first 2 s
      f.start(b -> {
        for (int i = 0; i < services; i++) {
          int n = i + 1;
          b.service("svc-" + i, s -> s
              .tier(0, "127.0.1." + n + ":80", e -> e.check(recording).interval(Duration.ofSeconds(5)))
              .tier(1, "127.0.2." + n + ":80", e -> e.check(recording).interval(Duration.ofSeconds(5))));
        }
      }, b -> b.set(Setting.STARTUP_CHECK_RATE, 10), f.time);
      for (int step = 0; step < 42; step++) {
        f.advance(Duration.ofMillis(100));
      }
      assertEquals(2 * services, firstCheckMs.size(), firstCheckMs.toString());
      long lastPrimary = firstCheckMs.entrySet().stream().filter(e -> e.getKey().startsWith("127.0.1."))
          .mapToLong(Map.Entry::getValue).max().orElseThrow();
      long firstBackup = firstCheckMs.entrySet().stream().filter(e -> e.getKey().startsWith("127.0.2."))
          .mapToLong(Map.Entry::getValue).min().orElseThrow();
      long lastBackup = firstCheckMs.entrySet().stream().filter(e -> e.getKey().startsWith("127.0.2."))
          .mapToLong(Map.Entry::getValue).max().orElseThrow();
      // ticks are coalesced to 50 ms when busy, and time moves here in 100 ms steps
      assertTrue(lastPrimary <= 2_100, "every primary checked in the first half: last at " + lastPrimary + " ms");
      assertTrue(firstBackup >= 2_000, "no backup before the primaries' share: first at " + firstBackup + " ms");
      assertTrue(lastBackup <= 4_100, "the whole start-up within its spread: last at " + lastBackup + " ms");
      for (int i = 0; i < services; i++) {
        assertEquals(0, f.resolver.select("svc-" + i).tier(), "svc-" + i);
      }
    }
  }

  @Test
  void primariesNamesAreLookedUpFirst() throws Exception {
    int services = 20;
    try (ResolverFixture f = new ResolverFixture()) {
      for (int i = 0; i < services; i++) {
        f.dns.a("p" + i + ".test", 300, "127.0.1." + (i + 1)).a("b" + i + ".test", 300, "127.0.2." + (i + 1));
      }
      f.start(b -> {
        for (int i = 0; i < services; i++) {
          int n = i;
          b.service("svc-" + i, s -> s
              .tier(0, "p" + n + ".test:80", e -> e.check(c -> HealthCheck.Result.healthy("ok")))
              .tier(1, "b" + n + ".test:80", e -> e.check(c -> HealthCheck.Result.healthy("ok"))));
        }
      });
      java.util.List<String> asked = f.dns.queries().stream().map(q -> q.name()).distinct().toList();
      assertEquals(2 * services, asked.size(), asked.toString());
      // one lookup at a time here (lookups run on the test's thread): the order they were started in
      for (int i = 0; i < services; i++) {
        assertTrue(asked.get(i).startsWith("p"), "every primary before any backup: " + asked);
      }
      f.advance(Duration.ofSeconds(6));
      for (int i = 0; i < services; i++) {
        assertEquals(0, f.resolver.select("svc-" + i).tier(), "svc-" + i);
      }
    }
  }
}

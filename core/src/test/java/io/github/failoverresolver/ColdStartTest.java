package io.github.failoverresolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.failoverresolver.testing.ManualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Cold start: a primary's first check that fails by running out of time (a fresh JVM's first TLS handshake
 * on a loaded machine) is run again at once instead of starting the primary as down, so that traffic never
 * sits on the backup for a failback window although nothing was wrong. A fast failure (refused) counts at
 * once, and a second slow one counts. Virtual time; the check's slowness is time passing on the clock
 * while it runs ({@link ManualScheduler#elapse}); no socket.
 */
class ColdStartTest {
  final ManualScheduler time = new ManualScheduler(Instant.parse("2026-01-01T00:00:00Z"));
  final List<FailoverEvent> events = new CopyOnWriteArrayList<>();
  final AtomicInteger primaryChecks = new AtomicInteger();

  /** The primary's check: its first {@code slow} runs take 1.5 s (timeout 1 s) and fail; later ones pass. */
  FailoverResolver resolver(int slow, boolean refusedFirst) {
    HealthCheck primary = c -> {
      int n = primaryChecks.incrementAndGet();
      if (refusedFirst && n == 1) {
        return HealthCheck.Result.unhealthy("connect refused");
      }
      if (n <= slow) {
        time.elapse(Duration.ofMillis(1_500));
        return HealthCheck.Result.unhealthy("Read timed out");
      }
      return HealthCheck.Result.healthy("ready");
    };
    HealthCheck backup = c -> HealthCheck.Result.healthy("ready");
    return FailoverResolver.builder()
        .dns(DnsSettings.builder().provider("none", Upstreams.of("127.0.0.1:9")).build())
        .clock(time.clock()).scheduler(time).checkExecutor(time).controlExecutor(Runnable::run)
        .listenerExecutor(Runnable::run).listener(events::add)
        .service("pay", s -> s
            .tier(0, "127.0.0.1:8443", e -> e.check(primary).timeout(Duration.ofSeconds(1)).jitter(0))
            .tier(1, "127.0.0.2:8443", e -> e.check(backup).timeout(Duration.ofSeconds(1)).jitter(0)))
        .build();
  }

  @Test
  void aSlowFirstCheckOfThePrimaryIsRetriedAtOnceNoFailover() {
    try (FailoverResolver r = resolver(1, false)) {
      time.advance(Duration.ofSeconds(2));
      assertEquals(2, primaryChecks.get(), "the slow first check was run again at once");
      assertEquals("127.0.0.1:8443", r.select("pay").endpoint());
      time.advance(Duration.ofSeconds(60));
      assertEquals("127.0.0.1:8443", r.select("pay").endpoint());
      assertEquals(List.of(), events.stream().filter(e -> e instanceof FailoverEvent.Failover
          || e instanceof FailoverEvent.Failback || e instanceof FailoverEvent.AddressDown).toList());
    }
  }

  @Test
  void aSecondSlowCheckCounts() {
    try (FailoverResolver r = resolver(2, false)) {
      time.advance(Duration.ofSeconds(2));
      assertEquals("127.0.0.2:8443", r.select("pay").endpoint(), "two slow checks in a row: the primary is down");
      assertTrue(events.stream().anyMatch(e -> e instanceof FailoverEvent.AddressDown d
          && d.address().equals("127.0.0.1:8443") && d.reason().contains("timed out")), events.toString());
    }
  }

  @Test
  void aFastFailureCountsAtOnce() {
    try (FailoverResolver r = resolver(0, true)) {
      time.advance(Duration.ofMillis(10));
      assertEquals(1, primaryChecks.get(), "a refused first check is not retried");
      assertEquals("127.0.0.2:8443", r.select("pay").endpoint());
    }
  }
}

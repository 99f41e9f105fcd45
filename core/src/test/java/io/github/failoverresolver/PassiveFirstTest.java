package io.github.failoverresolver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.failoverresolver.testing.ManualScheduler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Passive-first probing: an address that carried successful traffic within its interval skips its probe,
 * at most 9 turns in a row (so a readiness change is still seen); an idle address is probed every turn.
 * IP literals and a counting check on virtual time: no socket.
 */
class PassiveFirstTest {
  final ManualScheduler time = new ManualScheduler(Instant.parse("2026-01-01T00:00:00Z"));
  final AtomicInteger probes = new AtomicInteger();
  final HealthCheck counting = c -> {
    probes.incrementAndGet();
    return HealthCheck.Result.healthy("ready");
  };

  FailoverResolver resolver(boolean passiveFirst) {
    return FailoverResolver.builder()
        .dns(DnsSettings.builder().provider("none", Upstreams.of("127.0.0.1:9")).build())
        .clock(time.clock()).scheduler(time).checkExecutor(time).controlExecutor(Runnable::run)
        .listenerExecutor(Runnable::run)
        .service("pay", s -> s.tier(0, "127.0.0.1:8443", e -> e.check(counting).interval(Duration.ofSeconds(5))
            .jitter(0).passiveFirst(passiveFirst)))
        .build();
  }

  /** Runs 20 turns; before each, the address carries traffic (or not). Returns the probes made. */
  int probesOverTwentyTurns(FailoverResolver r, boolean traffic) {
    InetSocketAddress a = new InetSocketAddress("127.0.0.1", 8443);
    probes.set(0);
    for (int turn = 0; turn < 20; turn++) {
      if (traffic) {
        r.report(a, Outcome.success(Duration.ofMillis(3)));
      }
      time.advance(Duration.ofSeconds(5));
    }
    return probes.get();
  }

  @Test
  void anAddressWithTrafficIsProbedOnlyEveryTenthTurn() {
    try (FailoverResolver r = resolver(true)) {
      assertEquals(2, probesOverTwentyTurns(r, true), "turns 10 and 20 probe; the 18 others are skipped");
      assertEquals(18, r.snapshot().stats().probesSkipped());
      assertEquals(20, probesOverTwentyTurns(r, false), "an idle address is probed every turn");
    }
  }

  @Test
  void withPassiveFirstOffEveryTurnProbes() {
    try (FailoverResolver r = resolver(false)) {
      assertEquals(20, probesOverTwentyTurns(r, true));
      assertEquals(0, r.snapshot().stats().probesSkipped());
    }
  }
}

package io.github.failoverresolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.failoverresolver.testing.ManualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The dry-run drill and the live drill agree through the whole resolver (control loop, checks, routing
 * table): IP-literal endpoints and a scripted readiness check, so no socket and no DNS server.
 */
class DrillAgreementTest {
  final ManualScheduler time = new ManualScheduler(Instant.parse("2026-01-01T00:00:00Z"));
  final Set<String> down = ConcurrentHashMap.newKeySet();
  final HealthCheck scripted = c -> down.contains(c.address().getAddress().getHostAddress())
      ? HealthCheck.Result.unhealthy("not ready")
      : HealthCheck.Result.healthy("ready");

  FailoverResolver resolver(Consumer<ServiceBuilder> service) {
    return FailoverResolver.builder()
        .dns(DnsSettings.builder().provider("none", Upstreams.of("127.0.0.1:9")).build()) // never asked
        .clock(time.clock()).scheduler(time).checkExecutor(time).controlExecutor(Runnable::run)
        .listenerExecutor(Runnable::run)
        .service("pay", service)
        .build();
  }

  /** The example: with minEligible 2, b1 has one address and b2 two, so a drill must name b2. */
  @Test
  void dryRunAndLiveDrillBothChooseTheFirstTierWithEnoughEligibleAddresses() {
    try (FailoverResolver r = resolver(s -> s.minEligible(2)
        .tier(0, "127.0.0.1:8443", e -> e.check(scripted))
        .tier(0, "127.0.0.2:8443", e -> e.check(scripted))
        .tier(1, "127.0.0.3:8443", e -> e.check(scripted))
        .tier(2, "127.0.0.4:8443", e -> e.check(scripted))
        .tier(2, "127.0.0.5:8443", e -> e.check(scripted)))) {
      assertEquals(0, r.select("pay").tier());
      DrillPlan plan = r.drill("pay");
      assertEquals("127.0.0.4:8443", plan.target().orElseThrow().endpoint(), plan.toString());
      assertEquals(2, plan.target().orElseThrow().tier());
      assertTrue(plan.ready(), plan.toString());
      try (LiveDrill live = r.startDrill("pay", Duration.ofMinutes(1))) {
        assertEquals("127.0.0.4:8443", r.select("pay").endpoint(), "the live drill sends traffic where the dry run said");
      }
    }
  }

  /** For every combination of down addresses in a three-tier service, the two drills agree. */
  @Test
  void dryRunAndLiveDrillAgreeForEveryCombinationOfDownAddresses() {
    String[] ips = {"127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"};
    for (int mask = 0; mask < 1 << ips.length; mask++) {
      down.clear();
      for (int i = 0; i < ips.length; i++) {
        if ((mask & 1 << i) != 0) {
          down.add(ips[i]);
        }
      }
      try (FailoverResolver r = resolver(s -> s.minEligible(2).panicMode(true)
          .tier(0, "127.0.0.1:8443", e -> e.check(scripted))
          .tier(0, "127.0.0.2:8443", e -> e.check(scripted))
          .tier(1, "127.0.0.3:8443", e -> e.check(scripted))
          .tier(2, "127.0.0.4:8443", e -> e.check(scripted))
          .tier(2, "127.0.0.5:8443", e -> e.check(scripted)))) {
        DrillPlan plan = r.drill("pay");
        try (LiveDrill live = r.startDrill("pay", Duration.ofMinutes(1))) {
          String liveChoice;
          try {
            liveChoice = r.select("pay").endpoint();
          } catch (NoEligibleTargetException none) {
            liveChoice = "none";
          }
          assertEquals(liveChoice, plan.target().map(Target::endpoint).orElse("none"), "down: " + down);
        }
      }
    }
  }

}

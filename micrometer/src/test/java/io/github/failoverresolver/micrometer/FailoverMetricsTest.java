package io.github.failoverresolver.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.failoverresolver.FailoverEvent;
import io.github.failoverresolver.HealthChecks;
import io.github.failoverresolver.ResolverFixture;
import io.github.failoverresolver.testing.LoopbackHttpServer;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The binder against a real resolver (virtual time) and two real loopback HTTP servers, through a real failover. */
class FailoverMetricsTest {
  final ResolverFixture f = new ResolverFixture();
  LoopbackHttpServer primary;
  LoopbackHttpServer backup;
  FailoverMetrics metrics;

  @BeforeEach
  void start() throws Exception {
    primary = f.closeLater(LoopbackHttpServer.http("primary"));
    backup = f.closeLater(LoopbackHttpServer.start("backup", InetAddress.getByName("127.0.0.2"), primary.port(), null));
    f.dns.a("primary.test", 300, "127.0.0.1").a("backup.test", 300, "127.0.0.2");
    f.start(r -> r.service("payments", s -> s
        .tier(0, "primary.test:" + primary.port(), e -> e.check(HealthChecks.http("/ready")).passiveFirst(false))
        .tier(1, "backup.test:" + backup.port(), e -> e.check(HealthChecks.http("/ready")).passiveFirst(false))));
    f.advanceSeconds(1);
    metrics = new FailoverMetrics(f.resolver);
  }

  @AfterEach
  void close() throws Exception {
    if (metrics != null) {
      metrics.close();
    }
    f.close();
  }

  /** Kills readiness on the primary and lets the checks see it: one real failover. */
  void failOver() {
    primary.readiness(503);
    f.advanceSeconds(12);
    assertEquals(1, f.events(FailoverEvent.Failover.class).size(), f.events.toString());
    metrics.refresh();
  }

  static double value(MeterRegistry r, String name, String... tags) {
    Meter m = r.find(name).tags(tags).meter();
    assertTrue(m != null, "no meter " + name + " " + String.join(",", tags) + " in " + r.getMeters().stream()
        .map(x -> x.getId().toString()).toList());
    return m.measure().iterator().next().getValue();
  }

  @Test
  void gaugesAndCountersFollowARealFailover() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    metrics.bindTo(registry);
    assertEquals(0, value(registry, "failover.service.active.tier", "service", "payments"));
    assertEquals(1, value(registry, "failover.service.eligible.addresses", "service", "payments", "tier", "0"));
    assertEquals(1, value(registry, "failover.address.healthy", "service", "payments", "address",
        "127.0.0.1:" + primary.port()));
    assertEquals(0, value(registry, "failover.failovers", "service", "payments"));

    failOver();

    assertEquals(1, value(registry, "failover.service.active.tier", "service", "payments"));
    assertEquals(0, value(registry, "failover.service.eligible.addresses", "service", "payments", "tier", "0"));
    assertEquals(1, value(registry, "failover.service.eligible.addresses", "service", "payments", "tier", "1"));
    assertEquals(0, value(registry, "failover.address.healthy", "service", "payments", "endpoint",
        "primary.test:" + primary.port(), "address", "127.0.0.1:" + primary.port()));
    assertEquals(1, value(registry, "failover.address.trusted", "service", "payments", "address",
        "127.0.0.1:" + primary.port())); // no TLS checks configured
    assertEquals(0, value(registry, "failover.service.panic", "service", "payments"));
    assertEquals(1, value(registry, "failover.failovers", "service", "payments"));
    assertEquals(0, value(registry, "failover.failbacks", "service", "payments"));
    assertTrue(value(registry, "failover.checks", "result", "healthy") >= 3);
    assertTrue(value(registry, "failover.checks", "result", "unhealthy") >= 2); // unhealthy threshold
    assertEquals(0, value(registry, "failover.checks", "result", "timeout"));
    assertTrue(value(registry, "failover.dns.queries", "provider", "loopback", "result", "answer") >= 2);
    assertEquals(0, value(registry, "failover.dns.queries", "provider", "loopback", "result", "servfail"));
    FunctionTimer timer = registry.find("failover.check.duration").functionTimer();
    assertTrue(timer != null && timer.count() >= 5, String.valueOf(timer));

    primary.readiness(200);
    f.advance(Duration.ofSeconds(60)); // past the failback window
    metrics.refresh();
    assertEquals(1, value(registry, "failover.failbacks", "service", "payments"));
    assertEquals(0, value(registry, "failover.service.active.tier", "service", "payments"));
  }

  @Test
  void prometheusShowsTheConventionalNames() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    metrics.bindTo(registry);
    failOver();
    String text = registry.scrape();
    for (String line : new String[] {
        "failover_failovers_total{service=\"payments\"} 1.0",
        "failover_service_active_tier{service=\"payments\"} 1.0",
        "failover_service_eligible_addresses{service=\"payments\",tier=\"1\"} 1.0",
        "failover_address_healthy{address=\"127.0.0.1:" + primary.port() + "\",endpoint=\"primary.test:"
            + primary.port() + "\",service=\"payments\"} 0.0",
        "failover_checks_total{result=\"timeout\"} 0.0",
        "failover_dns_stale_answers_total 0.0"}) {
      assertTrue(text.contains(line + "\n"), line + "\nnot in:\n" + text);
    }
    assertTrue(text.contains("failover_check_duration_seconds_count "), text);
    assertTrue(text.contains("failover_dns_queries_total{provider=\"loopback\",result=\"answer\"}"), text);
  }

  @Test
  void closeRemovesEveryMeterAndTheListener() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    metrics.bindTo(registry);
    assertTrue(registry.getMeters().size() > 20, registry.getMeters().toString());
    metrics.close();
    assertEquals(0, registry.getMeters().size(), registry.getMeters().toString());
    failOver(); // no listener left to count it; nothing throws
  }
}

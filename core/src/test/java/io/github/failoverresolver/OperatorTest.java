package io.github.failoverresolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.failoverresolver.testing.LoopbackHttpServer;
import io.github.failoverresolver.testing.TestCertificates;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Independence report, drills, readiness report and configuration files, over loopback fixtures. */
class OperatorTest {
  final ResolverFixture f = new ResolverFixture(Instant.now());

  @AfterEach
  void close() throws Exception {
    f.close();
  }

  static Set<String> kinds(List<Finding> findings, Finding.Severity severity) {
    return findings.stream().filter(x -> x.severity() == severity).map(Finding::kind).collect(Collectors.toSet());
  }

  @Nested
  class Independence {
    @Test
    void sharedNameServersNetworkCaAndSecretAreFound() throws Exception {
      TestCertificates.Authority ca = TestCertificates.authority("one-ca");
      LoopbackHttpServer primary = f.closeLater(LoopbackHttpServer.https("primary", ca.issue("primary.test",
          Duration.ofDays(30))));
      LoopbackHttpServer backup = f.closeLater(LoopbackHttpServer.start("backup", InetAddress.getByName("127.0.0.2"),
          0, ca.issue("backup.test", Duration.ofDays(30)).serverContext()));
      f.dns.ns("test", 3600, "ns1.dnsprovider.example", "ns2.dnsprovider.example")
          .a("primary.test", 300, "127.0.0.1").a("backup.test", 300, "127.0.0.2");
      Map<String, String> env = Map.of("P", "one-secret", "B", "one-secret");
      TlsTrust trust = TlsTrust.trusting(ca.trustStore());
      f.start(r -> r.service("pay", s -> s
          .tier(0, "primary.test:" + primary.port(), e -> e.tls(trust).credential(CredentialSources.env("P", env)))
          .tier(1, "backup.test:" + backup.port(), e -> e.tls(trust).credential(CredentialSources.env("B", env)))));
      List<Finding> findings = f.resolver.independence("pay");
      assertEquals(Set.of("same-network", "same-name-servers", "same-ca"), kinds(findings, Finding.Severity.WARNING),
          findings.toString());
      assertEquals(Set.of("same-credential"), kinds(findings, Finding.Severity.CRITICAL));
      assertEquals(Set.of("same-dns-provider"), kinds(findings, Finding.Severity.INFO));
      Finding ns = findings.stream().filter(x -> x.kind().equals("same-name-servers")).findFirst().orElseThrow();
      assertEquals("both names are served by the same authoritative name servers [ns1.dnsprovider.example.,"
          + " ns2.dnsprovider.example.]: a DNS provider outage hides both.", ns.sentence());
    }

    @Test
    void sameAddressIsCriticalAndBlocksTheBackupWhenIndependenceIsRequired() {
      LoopbackHttpServer primary = f.closeLater(LoopbackHttpServer.http("primary"));
      LoopbackHttpServer backup = f.closeLater(LoopbackHttpServer.http("backup"));
      f.dns.a("primary.test", 300, "127.0.0.1").a("backup.test", 300, "127.0.0.1");
      f.start(r -> r.service("pay", s -> s
          .tier(0, "primary.test:" + primary.port(), e -> e.check(HealthChecks.http("/ready")))
          .tier(1, "backup.test:" + backup.port())
          .requireIndependence(true)));
      assertEquals(Set.of("same-address"), kinds(f.resolver.independence("pay"), Finding.Severity.CRITICAL));
      primary.readiness(503);
      f.advanceSeconds(6);
      NoEligibleTargetException e = assertThrows(NoEligibleTargetException.class, () -> f.resolver.select("pay"));
      assertTrue(e.getMessage().contains("not independent of primary.test:" + primary.port() + ": same address"),
          e.getMessage());
    }
  }

  @Nested
  class Drills {
    LoopbackHttpServer primary;
    LoopbackHttpServer backup;

    void start() throws Exception {
      primary = f.closeLater(LoopbackHttpServer.http("primary"));
      backup = f.closeLater(LoopbackHttpServer.start("backup", InetAddress.getByName("127.0.0.2"), 0, null));
      f.dns.a("primary.test", 300, "127.0.0.1").a("backup.test", 300, "127.0.0.2");
      f.start(r -> r.service("pay", s -> s
          .tier(0, "primary.test:" + primary.port(), e -> e.check(HealthChecks.http("/ready")).jitter(0))
          .tier(1, "backup.test:" + backup.port(), e -> e.check(HealthChecks.http("/ready")).jitter(0))));
    }

    @Test
    void dryRunTellsWhereTrafficWouldGoAndHowFast() throws Exception {
      start();
      DrillPlan plan = f.resolver.drill("pay");
      assertEquals("backup.test:" + backup.port(), plan.target().orElseThrow().endpoint());
      assertTrue(plan.ready());
      assertEquals(Duration.ofSeconds(6), plan.activeSwitch(), "interval 5 s x threshold 1 + timeout 1 s");
      assertTrue(plan.evidence().get(0).startsWith("health: 1/1 addresses eligible"), plan.evidence().toString());
      assertEquals("primary.test:" + primary.port(), f.selected("pay"), "a dry run changes nothing");

      backup.readiness(503);
      f.advanceSeconds(5);
      DrillPlan notReady = f.resolver.drill("pay");
      assertFalse(notReady.ready());
      assertTrue(notReady.target().isEmpty());
    }

    @Test
    void liveDrillTakesTierZeroOutAndAlwaysRestoresIt() throws Exception {
      start();
      LiveDrill drill = f.resolver.startDrill("pay", Duration.ofSeconds(60));
      assertEquals("backup.test:" + backup.port(), f.selected("pay"), "traffic moved at once");
      f.advanceSeconds(60);
      assertTrue(drill.finished(), "the drill ended by itself");
      LiveDrill.Report report = drill.report().orElseThrow();
      assertEquals(Duration.ZERO, report.switchedAfter().orElseThrow());
      assertEquals(0, report.failuresReported());
      ResolverSnapshot.Endpoint p = f.resolver.snapshot().service("pay").orElseThrow()
          .endpoint("primary.test:" + primary.port()).orElseThrow();
      assertTrue(p.up(), "tier 0 restored: " + p);
      f.advanceSeconds(30);
      assertEquals("primary.test:" + primary.port(), f.selected("pay"), "traffic returns after the failback window");
    }

    @Test
    void closingTheResolverMidDrillRestoresTierZero() throws Exception {
      start();
      LiveDrill drill = f.resolver.startDrill("pay", Duration.ofMinutes(10));
      f.resolver.close();
      assertTrue(drill.finished());
      assertTrue(drill.report().orElseThrow().switchedAfter().isPresent());
    }
  }

  @Nested
  class Config {
    ConfigException error(String... lines) {
      return assertThrows(ConfigException.class, () -> ResolverConfig.parse("test.conf", List.of(lines)));
    }

    @Test
    void errorsNameTheFileTheLineAndTheKey() {
      assertEquals("test.conf:3: key 'interval': 'five' is not a duration (like 500ms, 30s, 5m, 1h, 14d)",
          error("[endpoint pay a.test:443]", "tier = 0", "interval = five").getMessage());
      assertEquals("test.conf:2: key 'colour': unknown in [service NAME]; known: " + String.join(", ",
          Setting.keys(Setting.Scope.SERVICE)),
          error("[service pay]", "colour = blue").getMessage());
      assertEquals("test.conf:1: key 'tier' outside any section", error("tier = 0").getMessage());
      assertEquals("test.conf:1: [endpoint pay a.test:443] has no 'tier = N'",
          error("[endpoint pay a.test:443]", "check = tcp").getMessage());
      assertEquals("test.conf:2: key 'check': unknown check 'ping'; known: tcp, tls, http PATH, https PATH",
          error("[endpoint pay a.test:443]", "check = ping", "tier = 0").getMessage());
      assertEquals("test.conf:1: unknown section [services]; expected [dns], [resolver], [service NAME] or"
          + " [endpoint SERVICE HOST:PORT]", error("[services]").getMessage());
    }

    @Test
    void aFileBuildsAWorkingResolver() throws Exception {
      LoopbackHttpServer primary = f.closeLater(LoopbackHttpServer.http("primary"));
      f.dns.a("primary.test", 300, "127.0.0.1");
      try (FailoverResolver r = ResolverConfig.parse("ok.conf", List.of(
          "# a comment",
          "[dns]",
          "provider.local = " + f.dns.hostAndPort(),
          "max-stale = 10m",
          "[service pay]",
          "failback-stability = 10s   # inline comment",
          "[endpoint pay primary.test:" + primary.port() + "]",
          "tier = 0",
          "check = http /ready 200-299",
          "interval = 1s")).build()) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
          try {
            assertEquals("primary.test:" + primary.port(), r.select("pay").endpoint());
            break;
          } catch (NoEligibleTargetException notYet) {
            assertTrue(System.nanoTime() < deadline, "never ready: " + r.snapshot());
            Thread.sleep(10);
          }
        }
        assertEquals(Duration.ofMinutes(10), r.dns().settings().maxStale());
      }
    }

    @Test
    void aFileNamesAnSrvEndpointBySrvColon() throws Exception {
      LoopbackHttpServer primary = f.closeLater(LoopbackHttpServer.http("primary"));
      f.dns.a("one.pay.test", 300, "127.0.0.1").srv("_http._tcp.pay.test", 300, 0, 1, primary.port(), "one.pay.test");
      try (FailoverResolver r = ResolverConfig.parse("srv.conf", List.of(
          "[dns]",
          "provider.local = " + f.dns.hostAndPort(),
          "[endpoint pay srv:_http._tcp.pay.test]",
          "tier = 0",
          "check = http /ready")).build()) {
        FailoverResolverThreadsTest.awaitSelected(r, "pay", "one.pay.test:" + primary.port());
      }
      RuntimeException bad = assertThrows(RuntimeException.class, () -> ResolverConfig.parse("srv.conf", List.of(
          "[endpoint pay srv:_http._tcp.-pay.test]", "tier = 0")).build());
      assertEquals("srv.conf:1: [endpoint pay srv:_http._tcp.-pay.test]: service[pay].tier[0].endpoint["
          + "srv:_http._tcp.-pay.test]: '_http._tcp.-pay.test' is not a valid SRV name: each label must be 1 to 63"
          + " letters, digits or inner hyphens (optionally after one leading '_')", bad.getMessage());
    }
  }
}

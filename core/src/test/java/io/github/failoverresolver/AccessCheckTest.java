package io.github.failoverresolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.failoverresolver.testing.LoopbackHttpServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The access-enforcement check against real loopback HTTP servers (virtual time): a backup whose API answers
 * without a credential is untrusted (never handed out, not even in panic), a critical finding in the
 * readiness and independence reports; the probe never carries the endpoint's real credential.
 */
class AccessCheckTest {
  final ResolverFixture f = new ResolverFixture();
  LoopbackHttpServer primary;
  LoopbackHttpServer backup;

  @BeforeEach
  void servers() {
    primary = f.closeLater(LoopbackHttpServer.http("primary")).status("/api", 401); // enforces access
    backup = f.closeLater(LoopbackHttpServer.http("backup")); // answers /api to anyone
    f.dns.a("primary.test", 30, "127.0.0.1").a("backup.test", 30, "127.0.0.1");
  }

  @AfterEach
  void close() throws Exception {
    f.close();
  }

  String p() {
    return "primary.test:" + primary.port();
  }

  String b() {
    return "backup.test:" + backup.port();
  }

  void start(boolean panic) {
    Map<String, String> env = Map.of("P", "primary-secret", "B", "backup-secret");
    HealthCheck access = HealthChecks.http("/api").refusesUnauthenticated();
    f.start(r -> r.service("pay", s -> s
        .tier(0, p(), e -> e.check(HealthChecks.http("/ready")).accessCheck(access)
            .credential(CredentialSources.env("P", env)))
        .tier(1, b(), e -> e.check(HealthChecks.http("/ready")).accessCheck(access)
            .credential(CredentialSources.env("B", env)))
        .panicMode(panic)));
    f.advanceSeconds(1);
  }

  @Test
  void aBackupThatLetsAnyoneInIsNeverHandedOutAndIsACriticalFinding() {
    start(false);
    assertEquals(p(), f.selected("pay"));
    ResolverSnapshot.Endpoint backupState = f.resolver.snapshot().service("pay").orElseThrow().endpoint(b()).orElseThrow();
    assertEquals("accepts unauthenticated requests: GET /api without a credential answered 200, not 401 or 403",
        backupState.openAccess().orElseThrow());
    assertTrue(f.resolver.snapshot().service("pay").orElseThrow().endpoint(p()).orElseThrow().openAccess().isEmpty());

    ReadinessReport report = f.resolver.readiness();
    assertEquals(ReadinessReport.Verdict.DEGRADED, report.services().get(0).verdict());
    assertTrue(report.toText().contains("access CRITICAL: " + b() + " accepts unauthenticated requests"),
        report.toText());
    assertTrue(f.resolver.independence("pay").stream().anyMatch(x -> x.kind().equals("accepts-unauthenticated")
        && x.severity() == Finding.Severity.CRITICAL));

    primary.readiness(503);
    f.advanceSeconds(6);
    NoEligibleTargetException none = assertThrows(NoEligibleTargetException.class, () -> f.resolver.select("pay"));
    assertTrue(none.getMessage().contains("untrusted: accepts unauthenticated requests"), none.getMessage());

    // the probes never carried a real credential: the primary (which refuses) got one without any and one
    // with a made-up token; the backup got the first and failed it
    for (LoopbackHttpServer server : List.of(primary, backup)) {
      List<String> sent = server.requests().stream().filter(r -> r.path().equals("/api"))
          .map(r -> String.valueOf(r.header("Authorization"))).toList();
      assertTrue(!sent.isEmpty(), server.name());
      assertTrue(sent.stream().noneMatch(h -> h.contains("backup-secret") || h.contains("primary-secret")),
          sent.toString());
    }
    assertTrue(primary.requests().stream().filter(r -> r.path().equals("/api"))
        .anyMatch(r -> String.valueOf(r.header("Authorization")).startsWith("Bearer failover-resolver-access-probe-")));
  }

  @Test
  void evenInPanicTheOpenBackupIsNeverHandedOut() {
    start(true);
    primary.readiness(503);
    f.advanceSeconds(6);
    Target t = f.resolver.select("pay");
    assertTrue(t.panic(), t.toString());
    assertEquals(p(), t.endpoint()); // panic relaxes health, never trust
  }

  @Test
  void aBackupThatStartsRefusingIsTrustedAgainAtTheNextTrustRound() {
    start(false);
    backup.status("/api", 403);
    f.advanceSeconds(31); // trust interval
    assertTrue(f.resolver.snapshot().service("pay").orElseThrow().endpoint(b()).orElseThrow().openAccess().isEmpty());
    primary.readiness(503);
    f.advanceSeconds(6);
    assertEquals(b(), f.selected("pay"));
  }
}

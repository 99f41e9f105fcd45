package io.github.failoverresolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.failoverresolver.testing.LoopbackHttpServer;
import io.github.failoverresolver.testing.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Credential checks: real TLS servers on loopback with certificates made here, and secret sources. */
class TrustTest {
  // half a second past a whole second: X.509 dates keep whole seconds, so "2 days from now" is never exactly 2 days
  final Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).plusMillis(500);
  final ResolverFixture f = new ResolverFixture(now);
  final TestCertificates.Authority ca = TestCertificates.authority("test-ca");

  @AfterEach
  void close() throws Exception {
    f.close();
  }

  LoopbackHttpServer https(String name, TestCertificates.Issued cert) {
    f.dns.a(name + ".test", 300, "127.0.0.1");
    return f.closeLater(LoopbackHttpServer.https(name, cert));
  }

  ResolverSnapshot.Tls tlsOf(String service, String endpoint) {
    return f.resolver.snapshot().service(service).orElseThrow().endpoint(endpoint).orElseThrow().addresses().get(0)
        .tls().orElseThrow();
  }

  @Nested
  class Certificates {
    @Test
    void eachCertificateIsClassifiedRight() {
      Map<String, TestCertificates.Issued> certs = Map.of(
          "valid", ca.issue("valid.test", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(90))),
          "expired", ca.issue("expired.test", now.minus(Duration.ofDays(90)), now.minus(Duration.ofDays(1))),
          "notyet", ca.issue("notyet.test", now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(90))),
          "expiring", ca.issue("expiring.test", now.minus(Duration.ofDays(80)), now.plus(Duration.ofDays(2))),
          "wrongname", ca.issue("elsewhere.test", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(90))),
          "untrusted", TestCertificates.authority("rogue-ca")
              .issue("untrusted.test", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(90))));
      List<String> order = List.of("valid", "expired", "notyet", "expiring", "wrongname", "untrusted");
      Map<String, Integer> ports = new java.util.HashMap<>();
      for (String n : order) {
        ports.put(n, https(n, certs.get(n)).port());
      }
      TlsTrust trust = TlsTrust.trusting(ca.trustStore());
      f.start(r -> r.service("classify", s -> {
        for (int i = 0; i < order.size(); i++) {
          s.tier(i, order.get(i) + ".test:" + ports.get(order.get(i)), e -> e.tls(trust));
        }
      }));
      java.util.function.Function<String, ResolverSnapshot.Tls> tls = n -> tlsOf("classify", n + ".test:" + ports.get(n));
      assertEquals(ResolverSnapshot.TrustStatus.TRUSTED, tls.apply("valid").status());
      assertEquals(Optional.of("CN=test-ca"), tls.apply("valid").issuer());
      assertEquals(64, tls.apply("valid").leafSha256().orElseThrow().length());
      assertEquals(ResolverSnapshot.TrustStatus.BLOCKED, tls.apply("expired").status());
      assertTrue(tls.apply("expired").reason().startsWith("certificate expired at"), tls.apply("expired").reason());
      assertEquals(ResolverSnapshot.TrustStatus.BLOCKED, tls.apply("notyet").status());
      assertTrue(tls.apply("notyet").reason().startsWith("certificate not valid before"), tls.apply("notyet").reason());
      assertEquals(ResolverSnapshot.TrustStatus.WARN, tls.apply("expiring").status(), "expiring in 2 days: warned, still trusted");
      assertTrue(tls.apply("expiring").reason().startsWith("certificate expires in 1 days"), tls.apply("expiring").reason());
      assertEquals(ResolverSnapshot.TrustStatus.BLOCKED, tls.apply("wrongname").status());
      assertEquals("certificate is for [elsewhere.test], not wrongname.test", tls.apply("wrongname").reason());
      assertEquals(ResolverSnapshot.TrustStatus.BLOCKED, tls.apply("untrusted").status());
      assertTrue(tls.apply("untrusted").reason().startsWith("untrusted issuer CN=rogue-ca"), tls.apply("untrusted").reason());

      FailoverEvent.CredentialExpiring expiring = f.events(FailoverEvent.CredentialExpiring.class).get(0);
      assertEquals(1, expiring.daysLeft());
      assertEquals(4, f.events(FailoverEvent.CredentialBlocked.class).size());
      assertEquals("valid.test:" + ports.get("valid"), f.selected("classify"));
    }

    @Test
    void backupWithABadCertificateIsNeverSelectedEvenWhileThePrimaryIsDown() {
      LoopbackHttpServer primary = https("primary", ca.issue("primary.test", Duration.ofDays(90)));
      LoopbackHttpServer backup = https("backup",
          ca.issue("backup.test", now.minus(Duration.ofDays(90)), now.minus(Duration.ofDays(1))));
      TlsTrust trust = TlsTrust.trusting(ca.trustStore());
      HealthCheck ready = HealthChecks.https("/ready").sslContext(ca.clientContext());
      String p = "primary.test:" + primary.port();
      String b = "backup.test:" + backup.port();
      f.start(r -> r.service("pay", s -> s
          .tier(0, p, e -> e.check(ready).tls(trust).jitter(0))
          .tier(1, b, e -> e.check(HealthChecks.tcp()).tls(trust).jitter(0))
          .panicMode(true)));
      assertEquals(p, f.selected("pay"));
      primary.readiness(503);
      f.advanceSeconds(5);
      Target t = f.resolver.select("pay");
      assertEquals(p, t.endpoint(), "panic hands out the unhealthy but trusted primary, never the expired backup");
      assertTrue(t.panic());

      f.resolver.drain("pay", p, true); // now nothing trusted is left to panic with
      NoEligibleTargetException e = assertThrows(NoEligibleTargetException.class, () -> f.resolver.select("pay"));
      assertEquals(2, e.reasons().size());
      assertTrue(e.reasons().get(0).startsWith("tier 0 " + p + ": drained by operator"), e.reasons().get(0));
      assertTrue(e.reasons().get(1).startsWith("tier 1 " + b + ": 127.0.0.1:" + backup.port()
          + " untrusted: certificate expired at"), e.reasons().get(1));
    }

    @Test
    void expiredClientCertificateBlocksTheEndpoint() throws Exception {
      LoopbackHttpServer primary = https("primary", ca.issue("primary.test", Duration.ofDays(90)));
      TestCertificates.Issued client = ca.issue("client.test",
          now.minus(Duration.ofDays(90)), now.plus(Duration.ofHours(2)));
      java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("client", client.key(), new char[0], new java.security.cert.X509Certificate[] {client.certificate()});
      String p = "primary.test:" + primary.port();
      f.start(r -> r.service("pay", s -> s.tier(0, p, e -> e.tls(TlsTrust.trusting(ca.trustStore())
          .clientKeyStore(ks)))));
      assertEquals(ResolverSnapshot.TrustStatus.BLOCKED, tlsOf("pay", p).status());
      assertTrue(tlsOf("pay", p).reason().startsWith("client certificate expires at"), tlsOf("pay", p).reason());
    }
  }

  @Nested
  class Credentials {
    LoopbackHttpServer primary;
    LoopbackHttpServer backup;

    String p() {
      return "primary.test:" + primary.port();
    }

    String b() {
      return "backup.test:" + backup.port();
    }

    void servers() {
      primary = f.closeLater(LoopbackHttpServer.http("primary"));
      backup = f.closeLater(LoopbackHttpServer.http("backup"));
      f.dns.a("primary.test", 300, "127.0.0.1").a("backup.test", 300, "127.0.0.1");
    }

    @Test
    void missingEnvironmentVariableBlocksTheEndpoint() {
      servers();
      f.start(r -> r.service("pay", s -> s
          .tier(0, p(), e -> e.credential(CredentialSources.env("PAY_TOKEN", Map.of())))
          .tier(1, b(), e -> e.credential(CredentialSources.env("PAY_BACKUP_TOKEN", Map.of("PAY_BACKUP_TOKEN", "b-1"))))));
      assertEquals(b(), f.selected("pay"));
      assertEquals("credential missing: environment variable PAY_TOKEN is not set",
          f.events(FailoverEvent.CredentialBlocked.class).get(0).reason());
      assertEquals("PAY_BACKUP_TOKEN", f.resolver.select("pay").credential().orElseThrow().id());
    }

    @Test
    void expiredTokenIsBlockedAndAnExpiringOneWarned() {
      servers();
      f.start(r -> r.service("pay", s -> s
          .tier(0, p(), e -> e.credential(CredentialSources.supplier("vault",
              () -> Optional.of(Credential.of("pay-token", "t-1").expiringAt(now.minus(Duration.ofMinutes(1)))))))
          .tier(1, b(), e -> e.credential(CredentialSources.supplier("vault",
              () -> Optional.of(Credential.of("backup-token", "t-2").expiringAt(now.plus(Duration.ofMinutes(5)))))))));
      assertEquals(b(), f.selected("pay"));
      assertTrue(f.events(FailoverEvent.CredentialBlocked.class).get(0).reason()
          .startsWith("credential pay-token expired at"));
      assertEquals("credential backup-token", f.events(FailoverEvent.CredentialExpiring.class).get(0).what());
    }

    @Test
    void fileRotatedToANewValidSecretRestoresEligibilityWithoutRestart(@TempDir Path dir) throws Exception {
      servers();
      Path secret = dir.resolve("pay-secret");
      Files.writeString(secret, "old-secret\n");
      Files.setLastModifiedTime(secret, FileTime.from(now.minus(Duration.ofHours(2))));
      f.start(r -> r.service("pay", s -> s
          .tier(0, p(), e -> e.credential(CredentialSources.file(secret)).credentialMaxAge(Duration.ofHours(1)))
          .tier(1, b(), e -> e.credential(CredentialSources.env("B", Map.of("B", "backup-secret"))))));
      assertEquals(b(), f.selected("pay"), "the primary's secret is older than its max age");
      assertTrue(f.events(FailoverEvent.CredentialBlocked.class).get(0).reason().contains("more than the max age"));

      Files.writeString(secret, "new-secret\n"); // rotated in place, as a mounted secret is
      Files.setLastModifiedTime(secret, FileTime.from(f.time.now()));
      f.advanceSeconds(30); // the next trust round
      assertEquals(1, f.events(FailoverEvent.CredentialRestored.class).size());
      f.advanceSeconds(30); // failback window
      Target t = f.resolver.targets("pay").get(0); // the policy's choice (select is still ramping back)
      assertEquals(p(), t.endpoint());
      assertEquals("new-secret", t.credential().orElseThrow().secret().reveal());
    }

    @Test
    void sameSecretForPrimaryAndBackupIsFlaggedAndBlocksTheBackup() {
      servers();
      Map<String, String> env = Map.of("P", "same-secret", "B", "same-secret");
      f.start(r -> r.service("pay", s -> s
          .tier(0, p(), e -> e.check(HealthChecks.http("/ready")).credential(CredentialSources.env("P", env)))
          .tier(1, b(), e -> e.credential(CredentialSources.env("B", env)))));
      FailoverEvent.CredentialShared shared = f.events(FailoverEvent.CredentialShared.class).get(0);
      assertEquals(List.of(p(), b()), shared.endpoints());
      assertTrue(shared.blocked());
      primary.readiness(503);
      f.advanceSeconds(6); // one check interval with its jitter
      NoEligibleTargetException e = assertThrows(NoEligibleTargetException.class, () -> f.resolver.select("pay"));
      assertTrue(e.getMessage().contains("credential B is shared with a better tier"), e.getMessage());
    }

    @Test
    void sharedSecretIsOnlyReportedWhenThePolicySaysSo() {
      servers();
      Map<String, String> env = Map.of("P", "same-secret", "B", "same-secret");
      f.start(r -> r.service("pay", s -> s
          .tier(0, p(), e -> e.check(HealthChecks.http("/ready")).credential(CredentialSources.env("P", env)))
          .tier(1, b(), e -> e.credential(CredentialSources.env("B", env)))
          .blockSharedCredentials(false)));
      assertFalse(f.events(FailoverEvent.CredentialShared.class).get(0).blocked());
      primary.readiness(503);
      f.advanceSeconds(6);
      assertEquals(b(), f.selected("pay"));
    }

    @Test
    void targetCarriesTheChosenEndpointsOwnCredential() {
      servers();
      Map<String, String> env = Map.of("P", "primary-secret", "B", "backup-secret");
      f.start(r -> r.service("pay", s -> s
          .tier(0, p(), e -> e.check(HealthChecks.http("/ready")).credential(CredentialSources.env("P", env)))
          .tier(1, b(), e -> e.credential(CredentialSources.env("B", env)))));
      assertEquals("primary-secret", f.resolver.select("pay").credential().orElseThrow().secret().reveal());
      primary.readiness(503);
      f.advanceSeconds(6);
      Target t = f.resolver.select("pay");
      assertEquals(b(), t.endpoint());
      assertEquals("B", t.credential().orElseThrow().id());
      assertEquals("backup-secret", t.credential().orElseThrow().secret().reveal());
    }
  }

  @Test
  void canarySecretNeverAppearsInLogsExceptionsEventsToStringOrSnapshot(@TempDir Path dir) throws Exception {
    String canary = "CANARY-7f3e9a-do-not-leak";
    PrintStream realErr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    List<String> seen = new ArrayList<>();
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      LoopbackHttpServer primary = f.closeLater(LoopbackHttpServer.http("primary"));
      LoopbackHttpServer backup = f.closeLater(LoopbackHttpServer.http("backup"));
      f.dns.a("primary.test", 300, "127.0.0.1").a("backup.test", 300, "127.0.0.1").a("third.test", 300, "127.0.0.1");
      Path file = Files.writeString(dir.resolve("canary"), canary);
      String p = "primary.test:" + primary.port();
      String b = "backup.test:" + backup.port();
      String t3 = "third.test:" + backup.port();
      f.start(r -> r.service("pay", s -> s
          .tier(0, p, e -> e.check(HealthChecks.http("/ready"))
              .credential(CredentialSources.env("PAY", Map.of("PAY", canary))))
          .tier(1, b, e -> e.credential(CredentialSources.file(file)))      // shared: flagged, blocked
          .tier(2, t3, e -> e.credential(CredentialSources.supplier("broken vault", () -> {
            throw new IllegalStateException("vault said " + canary);   // a user bug that leaks into its message
          })))));
      seen.add(f.resolver.select("pay").toString());
      seen.add(String.valueOf(f.resolver.select("pay").credential()));
      primary.readiness(503);
      f.advanceSeconds(6);
      seen.add(assertThrows(NoEligibleTargetException.class, () -> f.resolver.select("pay")).getMessage());
      seen.add(f.resolver.snapshot().toString());
      f.events.forEach(e -> seen.add(e.toString()));
      seen.add(f.resolver.toString());
    } finally {
      System.setErr(realErr);
    }
    String logs = captured.toString(StandardCharsets.UTF_8);
    assertTrue(logs.contains("CredentialShared"), "the logs were captured: " + logs.length() + " chars");
    assertTrue(f.events(FailoverEvent.CredentialBlocked.class).size() >= 1);
    for (String text : seen) {
      assertFalse(text.contains(canary), "leaked: " + text);
    }
    assertFalse(logs.contains(canary), "leaked into the logs");
  }
}

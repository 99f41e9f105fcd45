package io.github.failoverresolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.failoverresolver.testing.LoopbackHttpServer;
import io.github.failoverresolver.testing.TestCertificates;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The failover engine against real loopback HTTP(S) servers, on virtual time. */
class FailoverResolverTest {
  ResolverFixture f;
  LoopbackHttpServer primary;
  LoopbackHttpServer backup;

  @BeforeEach
  void servers() {
    f = new ResolverFixture();
    primary = f.closeLater(LoopbackHttpServer.http("primary"));
    backup = f.closeLater(LoopbackHttpServer.http("backup"));
    f.dns.a("primary.test", 300, "127.0.0.1").a("backup.test", 300, "127.0.0.1");
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

  /** Two tiers with the given check, no jitter, 5 s interval, 1 s timeout, 30 s failback window. */
  FailoverResolver twoTiers(HealthCheck check) {
    return f.start(r -> r.service("pay", s -> s
        .tier(0, p(), e -> e.check(check).jitter(0))
        .tier(1, b(), e -> e.check(check).jitter(0))));
  }

  @Nested
  class ActiveChecks {
    @Test
    void primaryThatStopsListeningIsAvoidedWithinOneIntervalPlusTimeout() {
      twoTiers(HealthChecks.tcp());
      assertEquals(p(), f.selected("pay"));
      primary.stop();
      f.advanceSeconds(5 + 1 - 0.001);
      f.advanceSeconds(0.001); // one interval plus the timeout after the stop
      assertEquals(b(), f.selected("pay"));
      FailoverEvent.Failover failover = f.events(FailoverEvent.Failover.class).get(0);
      assertEquals(0, failover.fromTier());
      assertEquals(1, failover.toTier());
      assertTrue(failover.reason().contains("tcp connect"), failover.reason());
    }

    @Test
    void httpPrimaryAnswering503IsDownAlthoughItsPortIsOpen() {
      twoTiers(HealthChecks.http("/ready"));
      assertEquals(p(), f.selected("pay"));
      primary.readiness(503);
      f.advanceSeconds(5);
      assertEquals(b(), f.selected("pay"));
      FailoverEvent.AddressDown down = f.events(FailoverEvent.AddressDown.class).get(0);
      assertEquals(p(), down.endpoint());
      assertEquals("GET /ready answered 503, expected 200..299", down.reason());
    }

    @Test
    void httpsReadinessCheckUsesTheEndpointNameForSniAndVerification() throws Exception {
      TestCertificates.Authority ca = TestCertificates.authority("test-ca");
      try (LoopbackHttpServer securePrimary = LoopbackHttpServer.https("secure-primary",
               ca.issue("primary.test", Duration.ofDays(30)));
           LoopbackHttpServer wrongName = LoopbackHttpServer.https("wrong-name",
               ca.issue("elsewhere.test", Duration.ofDays(30)))) {
        HealthCheck https = HealthChecks.https("/ready").sslContext(ca.clientContext());
        f.start(r -> r.service("pay", s -> s
            .tier(0, "primary.test:" + securePrimary.port(), e -> e.check(https))
            .tier(1, "backup.test:" + wrongName.port(), e -> e.check(https))));
        ResolverSnapshot.Service snap = f.resolver.snapshot().service("pay").orElseThrow();
        assertTrue(snap.endpoints().get(0).up(), snap.toString());
        assertFalse(snap.endpoints().get(1).up(), "a certificate for another name fails the check");
        assertTrue(snap.endpoints().get(1).addresses().get(0).detail().contains("failed"), snap.toString());
        assertEquals("GET", securePrimary.requests().get(0).method());
        assertEquals("primary.test:" + securePrimary.port(), securePrimary.requests().get(0).header("Host"));
      }
    }

    @Test
    void bodyPredicateMustMatchToo() {
      twoTiers(HealthChecks.http("/ready").expectBody(body -> body.equals("ready")));
      assertEquals(p(), f.selected("pay"));
      primary.readiness(200, "degraded: database read-only");
      f.advanceSeconds(5);
      assertEquals(b(), f.selected("pay"));
    }
  }

  @Nested
  class PassiveOutcomes {
    @Test
    void connectFailureReportMakesTheVeryNextSelectAvoidTheAddress() {
      twoTiers(HealthChecks.tcp());
      Target t = f.resolver.select("pay");
      assertEquals(p(), t.endpoint());
      f.resolver.report(t, t.addresses().get(0), Outcome.connectFailure("connection refused"));
      assertEquals(b(), f.selected("pay"));
      FailoverEvent.AddressEjected ejected = f.events(FailoverEvent.AddressEjected.class).get(0);
      assertEquals(Duration.ofSeconds(30), ejected.duration());
    }

    @Test
    void ejectionTimeGrowsWithEachEjection() {
      f.start(r -> r.service("pay", s -> s.tier(0, p()).tier(1, b())));
      for (int i = 1; i <= 3; i++) {
        Target t = f.resolver.select("pay");
        assertEquals(p(), t.endpoint(), "ejection " + i + " has ended");
        f.resolver.report(t, t.addresses().get(0), Outcome.connectFailure("refused"));
        assertEquals(b(), f.selected("pay"));
        Duration length = f.events(FailoverEvent.AddressEjected.class).get(i - 1).duration();
        assertEquals(Duration.ofSeconds(30L * i), length);
        f.advance(length.minusMillis(1));
        assertEquals(b(), f.selected("pay"), "still ejected just before the end");
        f.advance(Duration.ofMillis(1));
        f.advanceSeconds(30 * 10); // no damping trouble: let any failback window pass
      }
    }

    @Test
    void fiveFailedRequestsEjectButFourDoNot() {
      f.start(r -> r.service("pay", s -> s.tier(0, p()).tier(1, b())));
      Target t = f.resolver.select("pay");
      for (int i = 0; i < 4; i++) {
        f.resolver.report(t, t.addresses().get(0), Outcome.failure("HTTP 502"));
      }
      assertEquals(p(), f.selected("pay"));
      f.resolver.report(t, t.addresses().get(0), Outcome.success(Duration.ofMillis(3)));
      for (int i = 0; i < 4; i++) {
        f.resolver.report(t, t.addresses().get(0), Outcome.failure("HTTP 502"));
      }
      assertEquals(p(), f.selected("pay"), "a success resets the count");
      f.resolver.report(t, t.addresses().get(0), Outcome.failure("HTTP 502"));
      assertEquals(b(), f.selected("pay"));
    }
  }

  /** Share of 2,000 select() calls that went to the primary. */
  double primaryShare() {
    int n = 0;
    for (int i = 0; i < 2_000; i++) {
      if (f.resolver.select("pay").endpoint().equals(p())) {
        n++;
      }
    }
    return n / 2_000.0;
  }

  @Nested
  class SlowStart {
    /** Fails over, then lets the primary recover until its failback (30 s window): the slow start begins. */
    void failBack() {
      twoTiers(HealthChecks.http("/ready"));
      primary.readiness(503);
      f.advanceSeconds(5);
      primary.readiness(200);
      f.advanceSeconds(40);
      assertEquals(1, f.events(FailoverEvent.SlowStartStarted.class).size(), f.events.toString());
    }

    @Test
    void theReturningTiersShareGrowsFromTenPercentToAllOverTheWindow() {
      failBack();
      FailoverEvent.SlowStartStarted started = f.events(FailoverEvent.SlowStartStarted.class).get(0);
      assertEquals(0, started.tier());
      assertEquals(1, started.fromTier());
      assertEquals(Duration.ofSeconds(10), started.window());
      double atStart = primaryShare();
      f.advanceSeconds(5);
      double halfway = primaryShare();
      f.advanceSeconds(5);
      double atEnd = primaryShare();
      System.out.println("slow start, primary share: start " + atStart + ", 5 s " + halfway + ", 10 s " + atEnd);
      assertTrue(atStart > 0.05 && atStart < 0.16, "about 10 %: " + atStart);
      assertTrue(halfway > 0.48 && halfway < 0.62, "about 55 %: " + halfway);
      assertEquals(1.0, atEnd);
      FailoverEvent.SlowStartEnded ended = f.events(FailoverEvent.SlowStartEnded.class).get(0);
      assertTrue(ended.completed(), ended.toString());
      assertEquals(p(), f.selected("pay"));
    }

    @Test
    void aClientFailureOnTheReturningTierSendsTrafficBackAndCountsAsAFlap() throws Exception {
      failBack();
      f.advanceSeconds(3);
      java.net.InetSocketAddress primaryAddress = f.resolver.targets("pay").get(0).addresses().get(0);
      f.resolver.report(primaryAddress, Outcome.failure("HTTP 503"));
      assertEquals(0.0, primaryShare(), "all back on the backup at once");
      assertEquals(b(), f.selected("pay"));
      FailoverEvent.SlowStartEnded ended = f.events(FailoverEvent.SlowStartEnded.class).get(0);
      assertTrue(!ended.completed(), ended.toString());
      List<FailoverEvent.Failover> failovers = f.events(FailoverEvent.Failover.class);
      assertEquals(2, failovers.size(), failovers.toString());
      // the next failback waits the damped window (two failovers: 60 s) and the ejection
      f.advanceSeconds(59);
      assertEquals(b(), f.selected("pay"));
    }

    @Test
    void aWindowOfZeroFailsBackAllAtOnce() {
      f.start(r -> r.service("pay", s -> s
          .tier(0, p(), e -> e.check(HealthChecks.http("/ready")).jitter(0))
          .tier(1, b(), e -> e.check(HealthChecks.http("/ready")).jitter(0))
          .set(Setting.SLOW_START_WINDOW, Duration.ZERO)));
      primary.readiness(503);
      f.advanceSeconds(5);
      primary.readiness(200);
      f.advanceSeconds(40);
      assertEquals(1.0, primaryShare());
      assertEquals(List.of(), f.events(FailoverEvent.SlowStartStarted.class));
    }
  }

  @Nested
  class Failback {
    @Test
    void comesOnlyAfterTheStabilityWindow() {
      twoTiers(HealthChecks.http("/ready"));
      primary.readiness(503);
      f.advanceSeconds(5);
      assertEquals(b(), f.selected("pay"));
      primary.readiness(200);
      f.advanceSeconds(5); // one pass: not yet healthy (healthyThreshold 2)
      f.advanceSeconds(5); // second pass: healthy, eligible from now
      f.advanceSeconds(30 - 0.001);
      assertEquals(b(), f.selected("pay"), "not before 30 s of eligibility");
      f.advanceSeconds(0.001);
      assertEquals(p(), f.selected("pay"));
      FailoverEvent.Failback back = f.events(FailoverEvent.Failback.class).get(0);
      assertEquals(Duration.ofSeconds(30), back.stableFor());
    }

    @Test
    void primaryFlappingEverySecondForSixtySecondsSwitchesOnce() {
      f.start(r -> r.service("pay", s -> s
          .tier(0, p(), e -> e.check(HealthChecks.http("/ready")).interval(Duration.ofSeconds(1)).jitter(0)
              .healthyThreshold(1))
          .tier(1, b(), e -> e.check(HealthChecks.http("/ready")).interval(Duration.ofSeconds(1)).jitter(0))
          .failbackStability(Duration.ofSeconds(10))));
      for (int second = 0; second < 60; second++) {
        primary.readiness(second % 2 == 0 ? 503 : 200);
        f.advanceSeconds(1);
      }
      int switches = f.events(FailoverEvent.Failover.class).size() + f.events(FailoverEvent.Failback.class).size();
      assertEquals(1, switches, "one failover, and no failback while the primary never stays up 10 s");
      primary.readiness(200);
      f.advanceSeconds(11);
      assertEquals(p(), f.selected("pay"), "fails back once the primary is stable");
    }

    @Test
    void eachFlapDoublesTheNextWindow() {
      f.start(r -> r.service("pay", s -> s
          .tier(0, p(), e -> e.check(HealthChecks.http("/ready")).interval(Duration.ofSeconds(1)).jitter(0)
              .healthyThreshold(1))
          .tier(1, b(), e -> e.check(HealthChecks.http("/ready")).interval(Duration.ofSeconds(1)).jitter(0))
          .failbackStability(Duration.ofSeconds(10))
          .maxFailbackStability(Duration.ofSeconds(40))));
      // down 1 s, then up long enough each time to fail back
      for (int flap = 0; flap < 4; flap++) {
        primary.readiness(503);
        f.advanceSeconds(1);
        primary.readiness(200);
        f.advanceSeconds(45);
      }
      List<Duration> windows = f.events(FailoverEvent.Failback.class).stream()
          .map(FailoverEvent.Failback::stableFor).toList();
      assertEquals(List.of(Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(40),
          Duration.ofSeconds(40)), windows, "10 s, doubled per flap, capped at 40 s");
    }
  }

  @Nested
  class Policy {
    @Test
    void noEligibleTargetNamesEveryEndpointAndWhy() {
      twoTiers(HealthChecks.http("/ready"));
      primary.readiness(503);
      backup.stop();
      f.advanceSeconds(5);
      NoEligibleTargetException e = assertThrows(NoEligibleTargetException.class, () -> f.resolver.select("pay"));
      assertEquals(2, e.reasons().size());
      assertTrue(e.reasons().get(0).startsWith("tier 0 " + p() + ": 127.0.0.1:" + primary.port()
          + " GET /ready answered 503"), e.reasons().get(0));
      assertTrue(e.reasons().get(1).startsWith("tier 1 " + b() + ": 127.0.0.1:" + backup.port()), e.reasons().get(1));
      assertEquals(1, f.events(FailoverEvent.ServiceUnavailable.class).size());
    }

    @Test
    void panicModeHandsOutTierZerosLeastBadAddresses() {
      f.start(r -> r.service("pay", s -> s
          .tier(0, p(), e -> e.check(HealthChecks.http("/ready")).jitter(0))
          .tier(1, b(), e -> e.check(HealthChecks.http("/ready")).jitter(0))
          .panicMode(true)));
      primary.readiness(503);
      backup.readiness(503);
      f.advanceSeconds(5);
      Target t = f.resolver.select("pay");
      assertTrue(t.panic());
      assertEquals(p(), t.endpoint());
      assertEquals(1, f.events(FailoverEvent.PanicEntered.class).size());
      backup.readiness(200);
      f.advanceSeconds(10);
      assertFalse(f.resolver.select("pay").panic());
      assertEquals(1, f.events(FailoverEvent.PanicLeft.class).size());
    }

    @Test
    void minEligibleMovesOnWhenATierIsTooThin() throws Exception {
      f.dns.a("primary.test", 300, "127.0.0.1", "127.0.0.2"); // nothing listens on 127.0.0.2
      f.dns.a("backup.test", 300, "127.0.0.1", "127.0.0.2");
      f.closeLater(LoopbackHttpServer.start("backup-2", InetAddress.getByName("127.0.0.2"), backup.port(), null));
      f.start(r -> r.service("pay", s -> s
          .tier(0, p(), e -> e.check(HealthChecks.tcp()))
          .tier(1, b(), e -> e.check(HealthChecks.tcp()))
          .minEligible(2)));
      assertEquals(b(), f.selected("pay"), "tier 0 has 1 of 2 eligible addresses");
      assertEquals(2, f.resolver.select("pay").addresses().size());
    }

    @Test
    void operatorPinsAndDrains() {
      twoTiers(HealthChecks.tcp());
      f.resolver.pin("pay", 1);
      assertEquals(b(), f.selected("pay"));
      f.resolver.unpin("pay");
      assertEquals(b(), f.selected("pay"), "unpinned: moving back is a failback, damped like any other");
      f.advanceSeconds(30);
      assertEquals(p(), f.selected("pay"));
      f.resolver.drain("pay", p(), true);
      assertEquals(b(), f.selected("pay"));
      assertTrue(f.resolver.snapshot().service("pay").orElseThrow().endpoint(p()).orElseThrow().drained());
      IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> f.resolver.pin("pay", 7));
      assertEquals("service 'pay' has no tier 7; tiers: [0, 1]", bad.getMessage());
    }

    @Test
    void unknownServiceIsNamed() {
      twoTiers(HealthChecks.tcp());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.resolver.select("nope"));
      assertEquals("unknown service 'nope'; configured: [pay]", e.getMessage());
    }
  }

  @Nested
  class Dns {
    @Test
    void newAddressIsCheckedBeforeUseAndVanishedOneIsDropped() throws Exception {
      f.start(r -> r.service("pay", s -> s.tier(0, p(), e -> e.check(HealthChecks.tcp())).tier(1, b())));
      f.dns.a("primary.test", 300, "127.0.0.1", "127.0.0.3"); // nothing listens on 127.0.0.3
      f.advanceSeconds(301); // TTL over: the cache refreshes, the engine sees the new address
      ResolverSnapshot.Endpoint ep = f.resolver.snapshot().service("pay").orElseThrow().endpoint(p()).orElseThrow();
      assertEquals(2, ep.addresses().size());
      assertFalse(ep.addresses().get(1).eligible(), "127.0.0.3 failed its first check: " + ep);
      assertEquals(List.of(InetAddress.getByName("127.0.0.1")), f.resolver.select("pay").inetAddresses());

      f.dns.a("primary.test", 300, "127.0.0.3");
      f.advanceSeconds(301);
      ep = f.resolver.snapshot().service("pay").orElseThrow().endpoint(p()).orElseThrow();
      assertEquals(1, ep.addresses().size(), "127.0.0.1 vanished from DNS and was dropped: " + ep);
      assertEquals(b(), f.selected("pay"));
    }

    @Test
    void endpointWhoseNameStopsResolvingKeepsItsLastAnswerWithinMaxStale() {
      f.start(r -> r.service("pay", s -> s.tier(0, p(), e -> e.check(HealthChecks.tcp())).tier(1, b())));
      f.dns.remove("primary.test");
      f.advanceSeconds(301);
      assertEquals(p(), f.selected("pay"), "NXDOMAIN: the last answer is kept");
      f.advanceSeconds(3600); // past TTL + maxStale (1 h)
      assertEquals(b(), f.selected("pay"));
    }

    @Test
    void resolveGivesEligibleAddressesOfAnEndpointHostAndDnsForOthers() throws Exception {
      f.dns.a("other.test", 300, "127.0.0.42");
      twoTiers(HealthChecks.tcp());
      assertEquals(List.of(InetAddress.getByName("127.0.0.1")), f.resolver.resolve("primary.test"));
      assertEquals(List.of(InetAddress.getByName("127.0.0.42")), f.resolver.resolve("other.test"));
      primary.stop();
      f.advanceSeconds(6);
      java.net.UnknownHostException e = assertThrows(java.net.UnknownHostException.class,
          () -> f.resolver.resolve("primary.test"));
      assertTrue(e.getMessage().startsWith("primary.test: no eligible address: 127.0.0.1:" + primary.port()
          + " tcp connect"), e.getMessage());
    }
  }

  @Nested
  class Listeners {
    @Test
    void listenerThatThrowsIsLoggedAndSkippedAndTheNextStillHearsEverything() {
      List<FailoverEvent> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
      java.io.PrintStream realErr = System.err;
      java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
      try {
        System.setErr(new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
        f.start(r -> r.service("pay", s -> s.tier(0, p(), e -> e.check(HealthChecks.tcp()).jitter(0))
                .tier(1, b(), e -> e.check(HealthChecks.tcp()))),
            b -> b.listener(e -> {
              throw new IllegalStateException("listener bug");
            }).listener(heard::add), f.time);
        primary.stop();
        f.advanceSeconds(6);
      } finally {
        System.setErr(realErr);
      }
      assertEquals(b(), f.selected("pay"));
      assertEquals(1, heard.stream().filter(e -> e instanceof FailoverEvent.Failover).count());
      String logged = log.toString(java.nio.charset.StandardCharsets.UTF_8);
      assertTrue(logged.contains("threw on Failover; skipped") && logged.contains("listener bug"), logged);
    }

    @Test
    void subscriberHearsTheCurrentTargetAndEachChange() {
      twoTiers(HealthChecks.tcp());
      List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
      try (Subscription sub = f.resolver.subscribe("pay", t -> seen.add(t.map(Target::endpoint).orElse("none")))) {
        primary.stop();
        f.advanceSeconds(6);
        backup.stop();
        f.advanceSeconds(6);
        assertEquals(List.of(p(), b(), "none"), seen);
        assertEquals(1, f.resolver.subscriberCount("pay"));
      }
      assertEquals(0, f.resolver.subscriberCount("pay"));
    }
  }
}

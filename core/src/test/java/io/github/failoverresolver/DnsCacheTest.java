package io.github.failoverresolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.failoverresolver.DnsAnswer.Status;
import io.github.failoverresolver.testing.LoopbackDnsServer.Fault;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The DNS cache over real UDP/TCP to loopback servers, on virtual time. */
class DnsCacheTest {
  DnsFixture f;

  @AfterEach
  void close() {
    if (f != null) {
      f.close();
    }
  }

  static List<String> ips(List<InetAddress> addresses) {
    return addresses.stream().map(InetAddress::getHostAddress).toList();
  }

  static String ip(DnsAnswer a) {
    return a.addresses().get(0).getHostAddress();
  }

  @Nested
  class Ttl {
    @Test
    void answerIsFreshForItsTtlAndAskedAgainAfter() throws Exception {
      f = new DnsFixture();
      f.primary.a("api.test", 10, "127.0.0.10");
      DnsAnswer first = f.cache.lookup("api.test", RecordType.A);
      assertEquals(Duration.ofSeconds(10), first.ttl());
      assertEquals("primary", first.source());

      f.advanceSeconds(9.9);
      assertFalse(f.cache.peek("api.test", RecordType.A).orElseThrow().stale(), "fresh just before the TTL ends");
      assertEquals(1, f.primary.queryCount("api.test"));

      f.advanceSeconds(0.1);
      assertTrue(f.cache.peek("api.test", RecordType.A).orElseThrow().stale(), "not fresh once the TTL has passed");
      f.primary.a("api.test", 10, "127.0.0.11");
      assertEquals("127.0.0.11", ip(f.cache.lookup("api.test", RecordType.A)));
      assertEquals(2, f.primary.queryCount("api.test"));
    }

    @Test
    void shortTtlIsRaisedToMinTtl() throws Exception {
      f = new DnsFixture(b -> b.minTtl(Duration.ofSeconds(30)));
      f.primary.a("api.test", 1, "127.0.0.10");
      assertEquals(Duration.ofSeconds(30), f.cache.lookup("api.test", RecordType.A).ttl());
      f.advanceSeconds(29);
      assertFalse(f.cache.peek("api.test", RecordType.A).orElseThrow().stale());
      f.advanceSeconds(1);
      assertTrue(f.cache.peek("api.test", RecordType.A).orElseThrow().stale());
    }

    @Test
    void longTtlIsCutToMaxTtl() throws Exception {
      f = new DnsFixture(b -> b.maxTtl(Duration.ofSeconds(300)));
      f.primary.a("api.test", 86_400, "127.0.0.10");
      assertEquals(Duration.ofSeconds(300), f.cache.lookup("api.test", RecordType.A).ttl());
      f.advanceSeconds(300);
      assertTrue(f.cache.peek("api.test", RecordType.A).orElseThrow().stale());
    }

    @Test
    void cnameChainTakesTheSmallestTtl() throws Exception {
      f = new DnsFixture();
      f.primary.zone("test", 3600, 30).cname("www.test", 7, "edge.test").a("edge.test", 60, "127.0.0.10");
      DnsAnswer a = f.cache.lookup("www.test", RecordType.A);
      assertEquals(Duration.ofSeconds(7), a.ttl());
      assertEquals(List.of("edge.test."), a.cnameChain());
    }
  }

  @Nested
  class NegativeCaching {
    @Test
    void nxdomainIsCachedForTheSoaMinimum() throws Exception {
      f = new DnsFixture();
      f.primary.zone("test", 3600, 20);
      DnsAnswer a = f.cache.lookup("missing.test", RecordType.A);
      assertEquals(Status.NXDOMAIN, a.status());
      assertEquals(Duration.ofSeconds(20), a.ttl());
      f.advanceSeconds(15);
      assertEquals(Status.NXDOMAIN, f.cache.lookup("missing.test", RecordType.A).status());
      assertEquals(1, f.primary.queryCount("missing.test"), "answered from the negative cache");
    }

    @Test
    void negativeTtlIsTheSmallerOfSoaTtlAndMinimum() throws Exception {
      f = new DnsFixture();
      f.primary.zone("test", 5, 20);
      assertEquals(Duration.ofSeconds(5), f.cache.lookup("missing.test", RecordType.A).ttl());
    }

    @Test
    void negativeTtlIsCutToMaxNegativeTtl() throws Exception {
      f = new DnsFixture(b -> b.maxNegativeTtl(Duration.ofSeconds(60)));
      f.primary.zone("test", 86_400, 86_400);
      assertEquals(Duration.ofSeconds(60), f.cache.lookup("missing.test", RecordType.A).ttl());
    }

    @Test
    void nodataIsCachedWhenTheNameHasOtherTypes() throws Exception {
      f = new DnsFixture();
      f.primary.zone("test", 3600, 20).a("v4only.test", 300, "127.0.0.10");
      DnsAnswer a = f.cache.lookup("v4only.test", RecordType.AAAA);
      assertEquals(Status.NODATA, a.status());
      assertEquals(Duration.ofSeconds(20), a.ttl());
      f.cache.lookup("v4only.test", RecordType.AAAA);
      assertEquals(1, f.primary.queryCount("v4only.test"));
    }

    @Test
    void negativeAnswerWithoutSoaIsNotCached() throws Exception {
      f = new DnsFixture();
      f.cache.lookup("nozone.test", RecordType.A);
      f.cache.lookup("nozone.test", RecordType.A);
      assertEquals(2, f.primary.queryCount("nozone.test"), "RFC 2308: no SOA, no negative caching");
    }

    @Test
    void addressesOfAMissingHostFailsNamingIt() {
      f = new DnsFixture();
      f.primary.zone("test", 3600, 20);
      DnsLookupException e = assertThrows(DnsLookupException.class, () -> f.cache.addresses("gone.test"));
      assertTrue(e.getMessage().startsWith("gone.test: no address"), e.getMessage());
      assertTrue(e.getMessage().contains("NXDOMAIN from primary"), e.getMessage());
    }
  }

  @Nested
  class RefreshAhead {
    @Test
    void hotNameNeverMakesACallerWaitAfterWarmUp() throws Exception {
      f = new DnsFixture();
      f.primary.a("hot.test", 10, "127.0.0.10");
      f.cache.lookup("hot.test", RecordType.A);
      assertEquals(1, f.cache.stats().blockingLookups(), "the cold lookup");
      for (int second = 1; second <= 300; second++) {
        f.advanceSeconds(1);
        if (second == 150) {
          f.primary.a("hot.test", 10, "127.0.0.11");
        }
        DnsAnswer a = f.cache.lookup("hot.test", RecordType.A);
        assertFalse(a.stale(), "at " + second + " s");
        if (second >= 160) {
          assertEquals("127.0.0.11", ip(a), "a changed record is picked up by the refresh, at " + second + " s");
        }
      }
      DnsStats stats = f.cache.stats();
      assertEquals(1, stats.blockingLookups(), "no caller waited after warm-up: " + stats);
      assertTrue(stats.refreshes() >= 300 / 10, "refreshed about once per TTL: " + stats);
      assertTrue(f.primary.queryCount("hot.test") <= 300 / 8 + 2, "not more than once per 80 % of a TTL");
    }

    @Test
    void usedNameIsRefreshedAtItsRefreshPointWithoutAnotherLookup() throws Exception {
      f = new DnsFixture();
      f.primary.a("used.test", 10, "127.0.0.10");
      f.cache.lookup("used.test", RecordType.A);
      f.cache.lookup("used.test", RecordType.A); // a hit: used since it was fetched
      f.advanceSeconds(7);
      assertEquals(1, f.primary.queryCount("used.test"), "not before the refresh point");
      f.advanceSeconds(2);
      assertEquals(2, f.primary.queryCount("used.test"), "refreshed ahead, by 90 % of the TTL");
      assertEquals(1, f.cache.stats().refreshes());
      f.advanceSeconds(60);
      assertEquals(2, f.primary.queryCount("used.test"), "the refreshed answer was not used again: no more");
      assertFalse(f.cache.lookup("used.test", RecordType.A).stale());
    }

    @Test
    void unusedNameIsNotRefreshed() throws Exception {
      f = new DnsFixture();
      f.primary.a("cold.test", 10, "127.0.0.10");
      f.cache.lookup("cold.test", RecordType.A);
      f.advanceSeconds(100);
      assertEquals(1, f.primary.queryCount("cold.test"));
      assertEquals(0, f.cache.stats().refreshes());
    }
  }

  @Nested
  class ServeStale {
    @Test
    void expiredAnswerIsServedWithinMaxStaleWhenEveryProviderFails() throws Exception {
      f = new DnsFixture(b -> b.maxStale(Duration.ofSeconds(60)));
      f.primary.a("api.test", 10, "127.0.0.10");
      f.cache.lookup("api.test", RecordType.A);
      f.primary.fault(Fault.SERVFAIL);
      f.secondary.fault(Fault.REFUSED);

      f.advanceSeconds(15);
      DnsAnswer stale = f.cache.lookup("api.test", RecordType.A);
      assertTrue(stale.stale());
      assertEquals("127.0.0.10", ip(stale));
      List<FailoverEvent.StaleAnswerServed> served = f.events(FailoverEvent.StaleAnswerServed.class);
      assertEquals(1, served.size());
      assertEquals("api.test.", served.get(0).name());
      assertEquals(Duration.ofSeconds(5), served.get(0).age());

      f.advanceSeconds(54.9); // 69.9 s: 59.9 s past freshness
      assertTrue(f.cache.lookup("api.test", RecordType.A).stale());
      assertEquals(2, f.events(FailoverEvent.StaleAnswerServed.class).size(), "an event each time");

      f.advanceSeconds(0.1); // 70 s: freshness plus maxStale is over
      DnsLookupException e = assertThrows(DnsLookupException.class, () -> f.cache.lookup("api.test", RecordType.A));
      assertTrue(e.getMessage().contains("primary 127.0.0.1:" + f.primary.port() + ": SERVFAIL"), e.getMessage());
      assertTrue(e.getMessage().contains("secondary 127.0.0.1:" + f.secondary.port() + ": REFUSED"), e.getMessage());
    }

    @Test
    void providerThatRecoversEndsStaleServing() throws Exception {
      f = new DnsFixture();
      f.primary.a("api.test", 10, "127.0.0.10");
      f.cache.lookup("api.test", RecordType.A);
      f.primary.fault(Fault.SERVFAIL);
      f.secondary.fault(Fault.SERVFAIL);
      f.advanceSeconds(20);
      assertTrue(f.cache.lookup("api.test", RecordType.A).stale());
      f.primary.fault(Fault.NONE).a("api.test", 10, "127.0.0.12");
      f.advanceSeconds(31); // past the failure recheck interval: the background retry succeeds
      DnsAnswer a = f.cache.lookup("api.test", RecordType.A);
      assertFalse(a.stale());
      assertEquals("127.0.0.12", ip(a));
    }
  }

  @Nested
  class Providers {
    @Test
    void deadProviderIsLeftForTheNextWithinOneQueryTimeout() throws Exception {
      f = new DnsFixture(b -> b.queryTimeout(Duration.ofMillis(300)));
      f.primary.fault(Fault.DROP);
      f.secondary.a("api.test", 60, "127.0.0.20").a("other.test", 60, "127.0.0.21");
      long started = System.nanoTime();
      DnsAnswer a = f.cache.lookup("api.test", RecordType.A);
      long tookMs = (System.nanoTime() - started) / 1_000_000;
      assertEquals("secondary", a.source());
      assertEquals("127.0.0.20", ip(a));
      assertTrue(tookMs >= 290, "waited the primary's timeout: " + tookMs);
      assertTrue(tookMs < 300 + 2_000, "then moved on at once: " + tookMs);

      // the dead provider is now asked last, so the next name does not wait for it
      assertEquals("secondary", f.cache.lookup("other.test", RecordType.A).source());
      assertEquals(0, f.primary.queryCount("other.test"));
    }

    @Test
    void servfailAndRefusedMoveToTheNextProvider() throws Exception {
      for (Fault fault : List.of(Fault.SERVFAIL, Fault.REFUSED)) {
        f = new DnsFixture();
        f.primary.fault(fault);
        f.secondary.a("api.test", 60, "127.0.0.20");
        assertEquals("secondary", f.cache.lookup("api.test", RecordType.A).source(), fault.name());
        f.close();
        f = null;
      }
    }

    @Test
    void wrongMessageIdAndGarbageAreDiscardedNotBelieved() throws Exception {
      for (Fault fault : List.of(Fault.WRONG_ID, Fault.GARBAGE)) {
        f = new DnsFixture(b -> b.queryTimeout(Duration.ofMillis(200)));
        f.primary.fault(fault).a("api.test", 60, "127.0.0.66");
        f.secondary.a("api.test", 60, "127.0.0.20");
        DnsAnswer a = f.cache.lookup("api.test", RecordType.A);
        assertEquals("127.0.0.20", ip(a), fault.name());
        f.close();
        f = null;
      }
    }

    @Test
    void coldLookupFailureNamesHostProvidersAndAnswers() {
      f = new DnsFixture(b -> b.queryTimeout(Duration.ofMillis(100)));
      f.primary.fault(Fault.DROP);
      f.secondary.fault(Fault.SERVFAIL);
      DnsLookupException e = assertThrows(DnsLookupException.class, () -> f.cache.lookup("api.test", RecordType.A));
      assertEquals("api.test.", e.host());
      assertEquals(2, e.attempts().size(), e.attempts().toString());
      assertTrue(e.attempts().get(0).startsWith("primary 127.0.0.1:" + f.primary.port() + ": timeout"), e.getMessage());
      assertTrue(e.attempts().get(1).startsWith("secondary 127.0.0.1:" + f.secondary.port() + ": SERVFAIL"),
          e.getMessage());
    }

    @Test
    void truncatedUdpAnswerIsRetriedOverTcp() throws Exception {
      f = new DnsFixture();
      f.primary.fault(Fault.TRUNCATE).a("api.test", 60, "127.0.0.10", "127.0.0.11");
      assertEquals(List.of("127.0.0.10", "127.0.0.11"), ips(f.cache.lookup("api.test", RecordType.A).addresses()));
      assertEquals(1, f.primary.queryCount("api.test", "udp"));
      assertEquals(1, f.primary.queryCount("api.test", "tcp"));
    }

    @Test
    void rrsetTooLargeForUdpArrivesWholeOverTcp() throws Exception {
      f = new DnsFixture();
      String[] many = new String[200];
      for (int i = 0; i < many.length; i++) {
        many[i] = "127.0." + (i / 250) + "." + (i % 250 + 1);
      }
      f.primary.a("big.test", 60, many);
      assertEquals(200, f.cache.lookup("big.test", RecordType.A).addresses().size());
      assertEquals(1, f.primary.queryCount("big.test", "tcp"));
    }
  }

  @Nested
  class Cnames {
    @Test
    void chainInsideOneResponseIsFollowed() throws Exception {
      f = new DnsFixture();
      f.primary.zone("test", 3600, 30).cname("a.test", 60, "b.test").cname("b.test", 60, "c.test")
          .a("c.test", 60, "127.0.0.30");
      DnsAnswer a = f.cache.lookup("a.test", RecordType.A);
      assertEquals(List.of("b.test.", "c.test."), a.cnameChain());
      assertEquals("127.0.0.30", ip(a));
      assertEquals(1, f.primary.queryCount("a.test"));
    }

    @Test
    void chainLeavingTheServersZoneIsAskedForAgain() throws Exception {
      f = new DnsFixture();
      f.primary.cname("alias.test", 60, "target.other").a("target.other", 60, "127.0.0.31");
      DnsAnswer a = f.cache.lookup("alias.test", RecordType.A);
      assertEquals("127.0.0.31", ip(a));
      assertEquals(1, f.primary.queryCount("target.other"));
    }

    @Test
    void loopIsRejectedNamingTheChain() {
      f = new DnsFixture();
      f.primary.zone("test", 3600, 30).cname("a.test", 60, "b.test").cname("b.test", 60, "a.test");
      DnsLookupException e = assertThrows(DnsLookupException.class, () -> f.cache.lookup("a.test", RecordType.A));
      assertEquals("a.test.: CNAME loop: a.test. -> b.test. -> a.test.", e.getMessage());
    }

    @Test
    void loopAcrossQueriesIsRejected() {
      f = new DnsFixture();
      f.primary.cname("a.test", 60, "b.test").cname("b.test", 60, "a.test");
      DnsLookupException e = assertThrows(DnsLookupException.class, () -> f.cache.lookup("a.test", RecordType.A));
      assertTrue(e.getMessage().contains("CNAME loop"), e.getMessage());
    }

    @Test
    void overLongChainIsRejected() {
      f = new DnsFixture(b -> b.maxCnameChain(8));
      f.primary.zone("test", 3600, 30);
      for (int i = 0; i < 10; i++) {
        f.primary.cname("h" + i + ".test", 60, "h" + (i + 1) + ".test");
      }
      f.primary.a("h10.test", 60, "127.0.0.40");
      DnsLookupException e = assertThrows(DnsLookupException.class, () -> f.cache.lookup("h0.test", RecordType.A));
      assertTrue(e.getMessage().startsWith("h0.test.: CNAME chain longer than 8"), e.getMessage());
    }

    @Test
    void chainOfExactlyTheLimitIsFollowed() throws Exception {
      f = new DnsFixture(b -> b.maxCnameChain(8));
      f.primary.zone("test", 3600, 30);
      for (int i = 0; i < 8; i++) {
        f.primary.cname("h" + i + ".test", 60, "h" + (i + 1) + ".test");
      }
      f.primary.a("h8.test", 60, "127.0.0.40");
      assertEquals(8, f.cache.lookup("h0.test", RecordType.A).cnameChain().size());
    }
  }

  @Nested
  class Srv {
    @Test
    void recordsComeByPriorityThenWeight() throws Exception {
      f = new DnsFixture();
      f.primary.srv("_https._tcp.pay.test", 60, 20, 0, 8443, "backup.test")
          .srv("_https._tcp.pay.test", 60, 10, 1, 443, "light.test")
          .srv("_https._tcp.pay.test", 60, 10, 3, 443, "heavy.test");
      int heavyFirst = 0;
      int draws = 4000;
      for (int i = 0; i < draws; i++) {
        List<SrvRecord> order = f.cache.srv("_https._tcp.pay.test");
        assertEquals(3, order.size());
        assertEquals(10, order.get(0).priority());
        assertEquals(10, order.get(1).priority());
        assertEquals("backup.test.", order.get(2).target());
        if (order.get(0).target().equals("heavy.test.")) {
          heavyFirst++;
        }
      }
      double share = heavyFirst / (double) draws;
      assertTrue(share > 0.70 && share < 0.80, "weight 3 of 4 comes first about 75 % of the time: " + share);
      assertEquals(1, f.primary.queryCount("_https._tcp.pay.test"), "the ordering is drawn from the cache");
    }
  }

  @Nested
  class Addresses {
    @Test
    void ipv4ThenIpv6() throws Exception {
      f = new DnsFixture();
      f.primary.a("dual.test", 60, "127.0.0.10").aaaa("dual.test", 60, "::1");
      assertEquals(List.of("127.0.0.10", "0:0:0:0:0:0:0:1"), ips(f.cache.addresses("dual.test")));
    }

    @Test
    void ipLiteralIsReturnedWithoutAsking() throws Exception {
      f = new DnsFixture();
      assertEquals(List.of("127.0.0.7"), ips(f.cache.addresses("127.0.0.7")));
      assertEquals(0, f.primary.queries().size());
    }

    @Test
    void invalidNameIsRejectedNamingIt() {
      f = new DnsFixture();
      String tooLong = "a".repeat(64) + ".test";
      DnsLookupException e = assertThrows(DnsLookupException.class, () -> f.cache.lookup(tooLong, RecordType.A));
      assertTrue(e.getMessage().startsWith(tooLong + ": invalid host name"), e.getMessage());
    }
  }

  @Nested
  class SplitBrain {
    @Test
    void differingProvidersRaiseAnEvent() throws Exception {
      f = new DnsFixture(b -> b.splitBrainProbe("pay.test"));
      f.primary.a("pay.test", 60, "127.0.0.10");
      f.secondary.a("pay.test", 60, "127.0.0.99");
      f.cache.lookup("pay.test", RecordType.A);
      List<FailoverEvent.SplitBrainDetected> found = f.events(FailoverEvent.SplitBrainDetected.class);
      assertEquals(1, found.size());
      assertEquals(List.of("127.0.0.10"), found.get(0).answersByProvider().get("primary"));
      assertEquals(List.of("127.0.0.99"), found.get(0).answersByProvider().get("secondary"));
    }

    @Test
    void agreeingProvidersRaiseNothing() throws Exception {
      f = new DnsFixture(b -> b.splitBrainProbe("pay.test"));
      f.primary.a("pay.test", 60, "127.0.0.10", "127.0.0.11");
      f.secondary.a("pay.test", 60, "127.0.0.11", "127.0.0.10");
      f.cache.lookup("pay.test", RecordType.A);
      assertTrue(f.events(FailoverEvent.SplitBrainDetected.class).isEmpty());
    }
  }
}

package io.github.failoverresolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.failoverresolver.testing.LoopbackDnsServer;
import io.github.failoverresolver.testing.ManualScheduler;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The DNS layer against real servers: Knot (authoritative; signs signed.test) and Unbound (recursive,
 * validating signed.test with Knot's DS as trust anchor), on loopback ports, started and killed here.
 */
@Tag("interop")
class InteropTest {
  InteropDaemons d;
  final ManualScheduler time = new ManualScheduler(java.time.Instant.now());
  final List<FailoverEvent> events = new CopyOnWriteArrayList<>();
  final List<AutoCloseable> closeables = new ArrayList<>();
  String ds;

  @BeforeAll
  static void versions() throws Exception {
    if (InteropDaemons.present()) {
      System.out.println("interop servers: " + InteropDaemons.versions());
    }
  }

  @BeforeEach
  void start(TestInfo test) throws Exception {
    InteropDaemons.requireBinaries(); // each test is reported skipped, with the reason, when they are missing
    d = new InteropDaemons(test.getTestMethod().orElseThrow().getName());
    List<String> records = new ArrayList<>(List.of(
        "www A 127.0.0.10", "www AAAA ::1", "alias CNAME www", "v4only A 127.0.0.11", "short 1 A 127.0.0.40",
        "change 2 A 127.0.0.20", "_https._tcp SRV 20 0 8443 backup", "_https._tcp SRV 10 5 443 www",
        "backup A 127.0.0.12"));
    for (int i = 0; i < 100; i++) {
      records.add("big A 127.0.1." + (i + 1));
    }
    d.zone("interop.test", 1, records.toArray(String[]::new));
    d.zone("signed.test", 1, "www A 127.0.0.30");
    d.startKnot();
    ds = d.signedZoneDs();
    d.startUnbound("unbound", ds, d.knotPort);
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    if (d != null) {
      d.close();
    }
  }

  DnsCache cache(UnaryOperator<DnsSettings.Builder> settings) {
    DnsCache c = DnsCache.builder(settings.apply(DnsSettings.builder().queryTimeout(Duration.ofSeconds(5))).build())
        .clock(time.clock()).scheduler(time).executor(time).listenerExecutor(Runnable::run).listener(events::add)
        .build();
    closeables.add(c);
    return c;
  }

  DnsCache viaUnbound() {
    return cache(b -> b.provider("unbound", Upstreams.of("127.0.0.1:" + d.unboundPort).validating()));
  }

  static String ip(DnsAnswer a) {
    return a.addresses().get(0).getHostAddress();
  }

  @Test
  void addressCnameAndSrvAnswersThroughUnbound() throws Exception {
    DnsCache c = viaUnbound();
    assertEquals("127.0.0.10", ip(c.lookup("www.interop.test", RecordType.A)));
    assertEquals(InetAddress.getByName("::1"), c.lookup("www.interop.test", RecordType.AAAA).addresses().get(0));
    DnsAnswer alias = c.lookup("alias.interop.test", RecordType.A);
    assertEquals(List.of("www.interop.test."), alias.cnameChain());
    assertEquals("127.0.0.10", ip(alias));
    List<SrvRecord> srv = c.srv("_https._tcp.interop.test");
    assertEquals(List.of("www.interop.test.", "backup.interop.test."), srv.stream().map(SrvRecord::target).toList());
  }

  @Test
  void recordChangedInTheZoneAndReloadedIsPickedUpOnRefresh() throws Exception {
    DnsCache c = cache(b -> b.provider("knot", Upstreams.of("127.0.0.1:" + d.knotPort)));
    assertEquals("127.0.0.20", ip(c.lookup("change.interop.test", RecordType.A)));
    c.lookup("change.interop.test", RecordType.A); // in use
    List<String> records = new ArrayList<>(List.of("www A 127.0.0.10", "change 2 A 127.0.0.21"));
    d.zone("interop.test", 2, records.toArray(String[]::new));
    d.reloadKnot();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    String seen = "";
    while (!seen.equals("127.0.0.21") && System.nanoTime() < deadline) {
      time.advance(Duration.ofSeconds(1)); // the background refresh runs when 80 % of the TTL has passed
      seen = ip(c.lookup("change.interop.test", RecordType.A));
      Thread.sleep(20); // knot reloads in the background, in real time
    }
    assertEquals("127.0.0.21", seen);
    assertEquals(1, c.stats().blockingLookups(), "the change arrived by refresh-ahead, no caller waited");
  }

  @Test
  void nxdomainAndNodataAreCachedPerTheSoa() throws Exception {
    DnsCache c = viaUnbound();
    DnsAnswer nx = c.lookup("nope.interop.test", RecordType.A);
    assertEquals(DnsAnswer.Status.NXDOMAIN, nx.status());
    assertTrue(nx.ttl().compareTo(Duration.ofSeconds(30)) <= 0 && !nx.ttl().isZero(), nx.ttl().toString());
    DnsAnswer nodata = c.lookup("v4only.interop.test", RecordType.AAAA);
    assertEquals(DnsAnswer.Status.NODATA, nodata.status());
    time.advance(nx.ttl().minusMillis(1));
    DnsAnswer again = c.lookup("nope.interop.test", RecordType.A);
    assertEquals(DnsAnswer.Status.NXDOMAIN, again.status());
    assertEquals(nx.receivedAt(), again.receivedAt(), "answered from the negative cache, just before it expires");
    assertEquals(1, c.stats().cacheHits());
  }

  @Test
  void authorityStoppedUnboundServfailsAndStaleIsServedWithinItsBound() throws Exception {
    DnsCache c = cache(b -> b.provider("unbound", Upstreams.of("127.0.0.1:" + d.unboundPort).validating())
        .maxStale(Duration.ofSeconds(60)));
    assertEquals("127.0.0.40", ip(c.lookup("short.interop.test", RecordType.A)));
    d.stopKnot();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    DnsAnswer a = null;
    while (System.nanoTime() < deadline) {
      time.advance(Duration.ofSeconds(1));
      a = c.lookup("short.interop.test", RecordType.A);
      if (a.stale()) {
        break;
      }
      Thread.sleep(100); // Unbound's own cache of the 1 s record runs out in real time
    }
    assertTrue(a != null && a.stale(), "a stale answer once Unbound can no longer reach Knot");
    assertEquals("127.0.0.40", ip(a));
    FailoverEvent.StaleAnswerServed served = (FailoverEvent.StaleAnswerServed) events.stream()
        .filter(e -> e instanceof FailoverEvent.StaleAnswerServed).findFirst().orElseThrow();
    System.out.println("stale answer served: " + served);
    assertTrue(served.reason().contains("SERVFAIL"), "Unbound answered SERVFAIL: " + served.reason());
    time.advance(Duration.ofSeconds(61));
    assertThrows(DnsLookupException.class, () -> c.lookup("short.interop.test", RecordType.A),
        "not beyond maxStale");
  }

  @Test
  void firstProviderStoppedMovesToTheSecond() throws Exception {
    DnsCache c = cache(b -> b.provider("unbound", Upstreams.of("127.0.0.1:" + d.unboundPort))
        .provider("knot", Upstreams.of("127.0.0.1:" + d.knotPort)));
    assertEquals("unbound", c.lookup("www.interop.test", RecordType.A).source());
    d.stopUnbound();
    DnsAnswer a = c.lookup("backup.interop.test", RecordType.A);
    assertEquals("knot", a.source());
    assertEquals("127.0.0.12", ip(a));
  }

  @Test
  void largeRrsetIsTruncatedOverUdpAndFetchedOverTcp() throws Exception {
    DnsCache c = viaUnbound();
    assertEquals(100, c.lookup("big.interop.test", RecordType.A).addresses().size());
    assertEquals(2, c.stats().upstreamQueries(), "one UDP query answered with TC, then one over TCP");
  }

  @Test
  void signedAnswerIsAcceptedFromTheValidatingResolver() throws Exception {
    DnsCache c = cache(b -> b.provider("knot-direct", Upstreams.of("127.0.0.1:" + d.knotPort))
        .provider("unbound", Upstreams.of("127.0.0.1:" + d.unboundPort).validating())
        .requireDnssec("signed.test"));
    DnsAnswer a = c.lookup("www.signed.test", RecordType.A);
    assertEquals("127.0.0.30", ip(a));
    assertEquals("unbound", a.source(), "the non-validating provider is skipped for a DNSSEC zone");
    assertEquals("knot-direct", c.lookup("www.interop.test", RecordType.A).source(), "other zones: any provider");
  }

  @Test
  void unsignedAnswerWhereDnssecIsRequiredIsRejected() {
    DnsCache c = cache(b -> b.provider("unbound", Upstreams.of("127.0.0.1:" + d.unboundPort).validating())
        .requireDnssec("interop.test"));
    DnsLookupException e = assertThrows(DnsLookupException.class, () -> c.lookup("www.interop.test", RecordType.A));
    System.out.println("unsigned answer rejected: " + e.getMessage());
    assertTrue(e.getMessage().contains("not DNSSEC-authenticated (AD bit clear): interop.test. requires DNSSEC"),
        e.getMessage());
  }

  @Test
  void tamperedAnswerIsRejectedByTheValidatorWithAClearError() throws Exception {
    LoopbackDnsServer forger = LoopbackDnsServer.start();
    closeables.add(forger);
    forger.zone("signed.test", 60, 30).a("www.signed.test", 60, "127.0.0.66").ns("signed.test", 60, "ns1.signed.test")
        .a("ns1.signed.test", 60, "127.0.0.1");
    int forged = d.startUnbound("unbound-forged", ds, forger.port());
    DnsCache c = cache(b -> b.provider("unbound", Upstreams.of("127.0.0.1:" + forged).validating())
        .requireDnssec("signed.test"));
    DnsLookupException e = assertThrows(DnsLookupException.class, () -> c.lookup("www.signed.test", RecordType.A));
    System.out.println("tampered answer rejected: " + e.getMessage());
    assertTrue(e.getMessage().contains("SERVFAIL"), e.getMessage());
    assertTrue(e.getMessage().contains("EDE"), "the validator says why: " + e.getMessage());
    assertFalse(e.getMessage().contains("127.0.0.66"));
  }
}

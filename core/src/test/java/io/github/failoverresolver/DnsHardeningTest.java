package io.github.failoverresolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.failoverresolver.testing.LoopbackDnsServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A hostile or broken upstream can never stall a lookup (real sockets, real deadlines). */
class DnsHardeningTest {

  /**
   * A provider that answers UDP with TC and then, over TCP, announces 65,535 bytes and drips one byte every
   * 1.5 s: the exchange ends at the provider's deadline (one total deadline, not one per read), and the
   * second provider answers.
   */
  @Test
  void aSlowDripOverTcpEndsAtTheQueryTimeoutAndTheNextProviderAnswers() throws Exception {
    try (DnsFixture f = new DnsFixture(b -> b.queryTimeout(Duration.ofSeconds(2)))) {
      f.primary.zone("test", 3600, 30).a("api.test", 60, "127.0.0.7").fault(LoopbackDnsServer.Fault.TCP_DRIP);
      f.secondary.zone("test", 3600, 30).a("api.test", 60, "127.0.0.8");
      long start = System.nanoTime();
      List<InetAddress> found = f.cache.addresses("api.test");
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertEquals(List.of(InetAddress.getByName("127.0.0.8")), found);
      assertTrue(f.primary.queries().stream().anyMatch(q -> q.response().equals("DRIP")), "the drip was reached");
      // 2 s for the dripping provider (A), then the other; a per-read timeout would have taken 60 s here
      assertTrue(ms < 3_500, "lookup took " + ms + " ms");
      System.out.println("slow-drip lookup took " + ms + " ms (queryTimeout 2000 ms)");
    }
  }

  /** Looks {@code name} up every millisecond of virtual time for 10 s; returns the queries both servers saw. */
  static long queriesOverTenSecondsOfLookups(DnsFixture f, String name) {
    long before = f.primary.queries().size() + f.secondary.queries().size();
    for (int ms = 0; ms < 10_000; ms++) {
      try {
        f.cache.lookup(name, RecordType.A);
      } catch (DnsLookupException expected) {
        // failing is what the name does here
      }
      f.advance(Duration.ofMillis(1));
    }
    return f.primary.queries().size() + f.secondary.queries().size() - before;
  }

  /**
   * Failures are cached (RFC 9520), 1 s doubling up to staleRecheck: a cold name against two always-SERVFAIL
   * providers, looked up 10,000 times over 10 s, sends a handful of queries, not thousands; so does a hot
   * name whose stale answer is served meanwhile (its background refresh is not retried at once either).
   */
  @Test
  void failuresAreCachedSoAFailingProviderIsNotHammered() {
    try (DnsFixture f = new DnsFixture()) {
      f.primary.zone("test", 3600, 30).a("hot.test", 5, "127.0.0.7").fault(LoopbackDnsServer.Fault.SERVFAIL);
      f.secondary.zone("test", 3600, 30).a("hot.test", 5, "127.0.0.7").fault(LoopbackDnsServer.Fault.SERVFAIL);
      long cold = queriesOverTenSecondsOfLookups(f, "cold.test");
      assertTrue(cold <= 10, "queries for a failing cold name over 10 s: " + cold);

      f.primary.fault(LoopbackDnsServer.Fault.NONE);
      f.secondary.fault(LoopbackDnsServer.Fault.NONE);
      assertEquals(List.of("127.0.0.7"), addresses(f, "hot.test"));
      f.primary.fault(LoopbackDnsServer.Fault.SERVFAIL);
      f.secondary.fault(LoopbackDnsServer.Fault.SERVFAIL);
      long hot = queriesOverTenSecondsOfLookups(f, "hot.test");
      assertTrue(hot <= 12, "queries for a failing hot name over 10 s: " + hot);
      assertFalse(f.events(FailoverEvent.StaleAnswerServed.class).isEmpty(), "the stale answer was served");
      System.out.println("failing provider queries over 10 s of lookups: cold name " + cold + ", hot name " + hot);
    }
  }

  static List<String> addresses(DnsFixture f, String name) {
    try {
      return f.cache.lookup(name, RecordType.A).addresses().stream().map(InetAddress::getHostAddress).toList();
    } catch (DnsLookupException e) {
      throw new AssertionError(e);
    }
  }

  /** Addresses reached through a CNAME carry the name asked for (TLS checks that name), without a trailing dot. */
  @Test
  void addressesCarryTheNameAskedForNotTheCnameTarget() throws Exception {
    try (DnsFixture f = new DnsFixture()) {
      f.primary.zone("test", 3600, 30).cname("into.test", 60, "target.test").a("target.test", 60, "127.0.0.9");
      List<InetAddress> found = f.cache.addresses("into.test");
      assertEquals(List.of(InetAddress.getByName("127.0.0.9")), found);
      assertEquals("into.test", found.get(0).getHostName());
    }
  }

  /**
   * requireDnssec cannot be bypassed through a CNAME: a non-validating provider answers a name outside the
   * zone with a CNAME into it plus an A record for the target; that A record is not believed, and the target
   * asked for on its own needs a validating provider's authenticated answer (which this one is not).
   */
  @Test
  void aCnameIntoARequiredZoneCannotCarryUnauthenticatedData() throws Exception {
    ManualSchedulerHolder t = new ManualSchedulerHolder();
    try (LoopbackDnsServer plain = LoopbackDnsServer.start(t.time.clock());
        LoopbackDnsServer validating = LoopbackDnsServer.start(t.time.clock());
        DnsCache cache = DnsCache.builder(DnsSettings.builder()
                .provider("plain", Upstreams.of(plain.hostAndPort()))
                .provider("validating", Upstreams.of(validating.hostAndPort()).validating())
                .requireDnssec("secure.test").queryTimeout(Duration.ofMillis(500)).build())
            .clock(t.time.clock()).scheduler(t.time).executor(t.time).listenerExecutor(Runnable::run).build()) {
      plain.zone("test", 3600, 30).cname("into-secure.test", 60, "api.secure.test")
          .a("api.secure.test", 60, "127.0.0.66");
      validating.zone("test", 3600, 30).a("api.secure.test", 60, "127.0.0.66"); // answers, but without AD
      DnsLookupException e = org.junit.jupiter.api.Assertions.assertThrows(DnsLookupException.class,
          () -> cache.addresses("into-secure.test"));
      assertTrue(e.getMessage().contains("not DNSSEC-authenticated"), e.getMessage());
    }
  }

  /** Virtual time for a cache built by hand. */
  static final class ManualSchedulerHolder {
    final io.github.failoverresolver.testing.ManualScheduler time = new io.github.failoverresolver.testing.ManualScheduler();
  }

  /** A NODATA whose SOA TTL and minimum are 0 is cached for minTtl: 500 calls for an IPv4-only name, one AAAA query. */
  @Test
  void nodataWithAZeroSoaTtlStillGetsTheFloor() throws Exception {
    try (DnsFixture f = new DnsFixture()) {
      f.primary.zone("test", 0, 0).a("v4only.test", 60, "127.0.0.5");
      for (int i = 0; i < 500; i++) {
        assertEquals(List.of(InetAddress.getByName("127.0.0.5")), f.cache.addresses("v4only.test"));
      }
      assertEquals(1, f.primary.queries().stream().filter(q -> q.type().equals("AAAA")).count());
    }
  }

  /** Unspecified, multicast and broadcast addresses in an answer are not handed out. */
  @Test
  void oddAddressesInAnAnswerAreDropped() throws Exception {
    try (DnsFixture f = new DnsFixture()) {
      f.primary.zone("test", 3600, 30).a("odd.test", 60, "0.0.0.0", "224.0.0.1", "255.255.255.255", "127.0.0.5")
          .aaaa("odd.test", 60, "::", "ff02::1");
      assertEquals(List.of(InetAddress.getByName("127.0.0.5")), f.cache.addresses("odd.test"));
    }
  }

  /** Builds a resolver whose background work never runs (no socket is opened): only validation matters. */
  static FailoverResolver resolverFor(String endpoint) {
    io.github.failoverresolver.testing.ManualScheduler time = new io.github.failoverresolver.testing.ManualScheduler();
    return FailoverResolver.builder()
        .dns(DnsSettings.builder().provider("none", Upstreams.of("127.0.0.1:9")).build())
        .clock(time.clock()).scheduler(time).checkExecutor(task -> { }).controlExecutor(Runnable::run)
        .listenerExecutor(Runnable::run)
        .service("pay", s -> s.tier(0, endpoint))
        .build();
  }

  /** Endpoint hosts that DNS could not mean are refused, naming the endpoint; IDN names go out as ASCII. */
  @Test
  void endpointHostsAreValidatedAndIdnNamesConverted() {
    for (String bad : List.of("a b.test:443", "-a.test:443", "a-.test:443", "256.1.1.1:443", "0.0.0.0:443",
        "224.0.0.1:443", "a..test:443")) {
      IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> resolverFor(bad).close(), bad);
      assertTrue(e.getMessage().startsWith("service[pay].tier[0].endpoint[" + bad + "]: "), e.getMessage());
    }
    try (FailoverResolver r = resolverFor("Café.Test:443")) {
      assertEquals("xn--caf-dma.test", r.snapshot().service("pay").orElseThrow().endpoints().get(0).host());
    }
  }

  /**
   * close() right after build(), 50 times, with an endpoint given by name: no library thread dies of an
   * exception (an uncaught one would reach the default handler, as it did in 8 of 50 runs before).
   */
  @Test
  void closeRightAfterBuildLeavesNoStackTrace() throws Exception {
    List<String> uncaught = new java.util.concurrent.CopyOnWriteArrayList<>();
    Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
      java.io.StringWriter w = new java.io.StringWriter();
      e.printStackTrace(new java.io.PrintWriter(w));
      uncaught.add(t.getName() + ": " + w);
    });
    try (LoopbackDnsServer dns = LoopbackDnsServer.start()) {
      dns.zone("test", 3600, 30).a("api.test", 60, "127.0.0.5");
      for (int i = 0; i < 50; i++) {
        FailoverResolver.builder()
            .dns(DnsSettings.builder().provider("loopback", Upstreams.of(dns.hostAndPort())).build())
            .service("pay", s -> s.tier(0, "api.test:443"))
            .build()
            .close();
      }
    } finally {
      Thread.setDefaultUncaughtExceptionHandler(before);
    }
    assertEquals(List.of(), uncaught);
  }

  /** Extended-error text from a DNS server is sanitised: a forged newline or an escape sequence shows as text. */
  @Test
  void outsideTextIsSanitisedBeforeItReachesAMessage() {
    try (DnsFixture f = new DnsFixture()) {
      String hostile = "broken\nVERDICT: READY\u001b[31m\u202e";
      f.primary.fault(LoopbackDnsServer.Fault.SERVFAIL).extendedErrorText(hostile);
      f.secondary.fault(LoopbackDnsServer.Fault.SERVFAIL).extendedErrorText(hostile);
      DnsLookupException e = org.junit.jupiter.api.Assertions.assertThrows(DnsLookupException.class,
          () -> f.cache.addresses("api.test"));
      assertFalse(e.getMessage().chars().anyMatch(c -> c < 0x20 || c == 0x202e), e.getMessage());
      assertTrue(e.getMessage().contains("broken\\u000aVERDICT: READY\\u001b[31m\\u202e"), e.getMessage());
    }
  }

  /** A response with another opcode (NOTIFY) is no answer: the lookup goes on to the next provider. */
  @Test
  void aResponseWithAnotherOpcodeIsNotAnAnswer() throws Exception {
    try (DnsFixture f = new DnsFixture()) {
      f.primary.zone("test", 3600, 30).a("api.test", 60, "127.0.0.66").fault(LoopbackDnsServer.Fault.NOTIFY_OPCODE);
      f.secondary.zone("test", 3600, 30).a("api.test", 60, "127.0.0.8");
      assertEquals(List.of(InetAddress.getByName("127.0.0.8")), f.cache.addresses("api.test"));
    }
  }

  /** A server that answers EDNS queries with FORMERR (pre-EDNS) is asked once more without EDNS. */
  @Test
  void formerrToAnEdnsQueryIsRetriedWithoutEdns() throws Exception {
    try (DnsFixture f = new DnsFixture()) {
      f.primary.zone("test", 3600, 30).a("api.test", 60, "127.0.0.8").fault(LoopbackDnsServer.Fault.FORMERR_ON_EDNS);
      assertEquals(List.of(InetAddress.getByName("127.0.0.8")), f.cache.addresses("api.test"));
    }
  }

  /**
   * The cache is bounded by estimated bytes, not by entries: 40 names answered with 4,000 records each (over
   * TCP) against a 2 MiB budget leave at most 2 MiB held, however many entries that is.
   */
  @Test
  void hugeAnswersAreBoundedByTheByteBudget() throws Exception {
    try (DnsFixture f = new DnsFixture(b -> b.maxCacheBytes(2L << 20))) {
      String[] ips = new String[4_000];
      for (int i = 0; i < ips.length; i++) {
        ips[i] = "10." + (i >> 8) + "." + (i & 255) + ".1";
      }
      f.primary.zone("test", 3600, 30);
      for (int n = 0; n < 40; n++) {
        f.primary.a("big" + n + ".test", 300, ips);
      }
      for (int n = 0; n < 40; n++) {
        assertEquals(4_000, f.cache.lookup("big" + n + ".test", RecordType.A).addresses().size());
        assertTrue(f.cache.estimatedBytes() <= 2L << 20, "held " + f.cache.estimatedBytes() + " bytes after " + n);
      }
      System.out.println("cache after 40 answers of 4,000 records: " + f.cache.estimatedBytes()
          + " estimated bytes of a 2097152 budget");
    }
  }
}

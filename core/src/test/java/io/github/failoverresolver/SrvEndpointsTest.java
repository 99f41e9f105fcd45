package io.github.failoverresolver;

import static io.github.failoverresolver.FailoverResolverThreadsTest.await;
import static io.github.failoverresolver.FailoverResolverThreadsTest.checkThreads;
import static io.github.failoverresolver.ServiceBuilder.srv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.failoverresolver.testing.LoopbackHttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/**
 * SRV records define a tier's endpoints (real DNS over loopback UDP, real HTTP readiness checks on real check
 * threads, virtual time for TTLs and intervals): each target is an endpoint with the record's port, ordered by
 * priority, and a change of the set adds or removes targets without a failover.
 */
class SrvEndpointsTest {
  static final String SRV = "_http._tcp.pay.test";
  final ExecutorService pool = checkThreads();
  final ResolverFixture f = new ResolverFixture();
  final LoopbackHttpServer[] servers = new LoopbackHttpServer[3];
  LoopbackHttpServer backup;

  @AfterEach
  void close() throws Exception {
    f.close();
    pool.shutdownNow();
  }

  /** Servers a, b, c on 127.0.0.1-3 (names a/b/c.pay.test), a backup on 127.0.0.4; SRV names a and b. */
  void start(int priorityA, int priorityB) throws Exception {
    for (int i = 0; i < 3; i++) {
      String name = "abc".charAt(i) + ".pay.test";
      servers[i] = f.closeLater(LoopbackHttpServer.start(name, InetAddress.getByName("127.0.0." + (i + 1)), 0, null));
      f.dns.a(name, 60, "127.0.0." + (i + 1));
    }
    backup = f.closeLater(LoopbackHttpServer.start("backup", InetAddress.getByName("127.0.0.4"), 0, null));
    f.dns.srv(SRV, 1, priorityA, 10, servers[0].port(), "a.pay.test");
    f.dns.srv(SRV, 1, priorityB, 10, servers[1].port(), "b.pay.test");
    f.start(r -> r.service("pay", s -> s
        .tier(0, srv(SRV), e -> e.check(HealthChecks.http("/ready")).jitter(0))
        .tier(1, "127.0.0.4:" + backup.port(), e -> e.check(HealthChecks.http("/ready")).jitter(0))), x -> x, pool);
    await("both SRV targets serve", () -> tier0().size() == 2);
  }

  String endpoint(int i) {
    return "abc".charAt(i) + ".pay.test:" + servers[i].port();
  }

  /** The endpoints of tier 0 among the published targets, in order. */
  List<String> tier0() {
    return f.resolver.targets("pay").stream().filter(t -> t.tier() == 0).map(Target::endpoint).toList();
  }

  /** Advances virtual time a second at a time (the SRV TTL) until {@code condition} holds, at most 5 s. */
  void advanceUntil(String what, java.util.function.BooleanSupplier condition) throws Exception {
    for (int second = 0; second < 5; second++) {
      f.advanceSeconds(1);
      if (MakeBeforeBreakTest.within(Duration.ofSeconds(2), condition)) {
        return;
      }
    }
    throw new AssertionError("not seen within 5 virtual seconds: " + what);
  }

  @Test
  void eachTargetIsAnEndpointWithTheRecordsPortAndHostInPriorityOrder() throws Exception {
    start(20, 10);
    assertEquals(List.of(endpoint(1), endpoint(0)), tier0(), "priority 10 (b) before 20 (a)");
    Target t = f.resolver.select("pay");
    assertEquals("b.pay.test", t.host(), "the target's name, for the Host header and TLS");
    assertEquals(servers[1].port(), t.port(), "the record's port");
    assertEquals(List.of(new InetSocketAddress("127.0.0.2", servers[1].port())), t.addresses());
    assertEquals(List.of(InetAddress.getByName("127.0.0.2")),
        f.resolver.resolve("b.pay.test"), "the target's name resolves through the resolver");
    assertTrue(servers[1].requests().stream().anyMatch(r -> r.path().equals("/ready")), "checked with the template's check");
  }

  @Test
  void anSrvSetGrowingFromTwoToThreeTargetsAddsTheThirdWithoutAFailover() throws Exception {
    start(10, 10);
    String first = f.resolver.select("pay").endpoint();
    // off tier 0, failed, or the new target handed out before its first check reached it
    try (SelectWatch watch = SelectWatch.start(f.resolver, "pay", t -> t.tier() == 0
        && !(t.endpoint().equals(endpoint(2)) && servers[2].requests().isEmpty()))) {
      f.dns.srv(SRV, 1, 10, 10, servers[2].port(), "c.pay.test");
      advanceUntil("the third target serves", () -> tier0().size() == 3);
      watch.close();
      assertEquals(0, watch.violations(), "select calls that left tier 0, failed or got the unchecked target, of "
          + watch.calls());
    }
    assertEquals(Set.of(endpoint(0), endpoint(1), endpoint(2)), Set.copyOf(tier0()));
    // the two targets that stay keep their order (the third may rank first: its weighted draw, in this process)
    List<String> survivors = tier0().stream().filter(e -> !e.equals(endpoint(2))).toList();
    assertEquals(first, survivors.get(0), "the targets that stay keep their order: " + tier0());
    assertEquals(List.of(), f.events(FailoverEvent.Failover.class));
    assertEquals(List.of(), f.events(FailoverEvent.Failback.class));
    assertEquals(List.of(List.of(endpoint(2))), f.events(FailoverEvent.SrvTargetsChanged.class).stream()
        .filter(e -> !e.added().isEmpty() && !e.added().containsAll(List.of(endpoint(0), endpoint(1))))
        .map(FailoverEvent.SrvTargetsChanged::added).toList());
  }

  @Test
  void aTargetLeavingTheSetStopsServingWithoutAFailover() throws Exception {
    start(10, 10);
    f.dns.remove(SRV, Type.SRV);
    f.dns.srv(SRV, 1, 10, 10, servers[0].port(), "a.pay.test");
    advanceUntil("b is gone", () -> tier0().equals(List.of(endpoint(0))));
    assertEquals(endpoint(0), f.resolver.select("pay").endpoint());
    assertFalse(f.resolver.snapshot().services().get(0).endpoints().stream()
        .anyMatch(e -> e.name().equals(endpoint(1))), "no longer an endpoint");
    assertEquals(List.of(), f.events(FailoverEvent.Failover.class));
    assertTrue(f.events(FailoverEvent.SrvTargetsChanged.class).stream()
        .anyMatch(e -> e.removed().equals(List.of(endpoint(1)))), f.events.toString());
  }

  /** Passive endpoints (no check) on the fixture's own thread: every lookup a step of time starts is done after it. */
  void startPassive() {
    f.start(r -> r.service("pay", s -> s.tier(0, srv(SRV))));
  }

  @Test
  void untilTheSetHasTargetsTheSrvEndpointHasNoAddressesAndSelectSaysWhy() throws Exception {
    f.dns.a("a.pay.test", 300, "127.0.0.1");
    startPassive();
    NoEligibleTargetException none = org.junit.jupiter.api.Assertions.assertThrows(NoEligibleTargetException.class,
        () -> f.resolver.select("pay"));
    assertTrue(none.getMessage().contains("srv:" + SRV), none.getMessage());
    ResolverSnapshot.Endpoint template = f.resolver.snapshot().service("pay").orElseThrow().endpoint("srv:" + SRV)
        .orElseThrow();
    assertEquals(List.of(), template.addresses());
    assertFalse(template.up());
    f.dns.srv(SRV, 300, 10, 10, 8081, "a.pay.test");
    for (int second = 0; second < 40 && tier0().isEmpty(); second++) {
      f.advanceSeconds(1); // the NXDOMAIN is cached for the zone's negative TTL (30 s)
    }
    assertEquals(List.of("a.pay.test:8081"), tier0());
  }

  @Test
  void anEmptyAnswerKeepsTheLastSet() throws Exception {
    f.dns.a("a.pay.test", 300, "127.0.0.1").a("b.pay.test", 300, "127.0.0.2")
        .srv(SRV, 1, 10, 10, 8081, "a.pay.test").srv(SRV, 1, 10, 10, 8082, "b.pay.test");
    startPassive();
    assertEquals(2, tier0().size());
    f.dns.remove(SRV, Type.SRV);
    long queries = f.dns.queryCount(SRV);
    for (int second = 0; second < 3; second++) {
      f.advanceSeconds(1);
    }
    assertTrue(f.dns.queryCount(SRV) > queries, "the set was looked up again and found empty");
    assertEquals(Set.of("a.pay.test:8081", "b.pay.test:8082"), Set.copyOf(tier0()),
        "an empty answer keeps the targets (until TTL + max-stale)");
  }

  /** Make before break: the whole set is replaced by a target whose readiness takes 300 ms to answer. */
  @Test
  void aReplacedSetKeepsServingFromTheOldTargetsUntilTheNewOneHasItsVerdict() throws Exception {
    start(10, 10);
    servers[2].delay("/ready", Duration.ofMillis(300));
    try (SelectWatch watch = SelectWatch.start(f.resolver, "pay", t -> t.tier() == 0)) {
      f.dns.remove(SRV, Type.SRV);
      f.dns.srv(SRV, 1, 10, 10, servers[2].port(), "c.pay.test");
      advanceUntil("only c serves", () -> tier0().equals(List.of(endpoint(2))));
      watch.close();
      assertEquals(0, watch.violations(), "select calls that left tier 0 or failed while the set was replaced, of "
          + watch.calls());
    }
    assertEquals(List.of(), f.events(FailoverEvent.Failover.class));
    assertEquals(List.of(), f.events(FailoverEvent.ServiceUnavailable.class));
  }

  /** Hostile or useless records are skipped: ".", names that are not host names, duplicates. */
  @Test
  void targetsThatCannotBeEndpointsAreSkipped() throws Exception {
    servers[0] = f.closeLater(LoopbackHttpServer.start("a", InetAddress.getByName("127.0.0.1"), 0, null));
    f.dns.a("a.pay.test", 60, "127.0.0.1")
        .srv(SRV, 60, 10, 10, servers[0].port(), "a.pay.test")
        .srv(SRV, 60, 10, 10, servers[0].port(), "A.pay.test") // the same target twice
        .srv(SRV, 60, 10, 10, 443, ".") // RFC 2782: not offered here
        .srv(SRV, 60, 10, 10, 443, "x_y.pay.test")
        .srv(SRV, 60, 10, 10, 443, "evil\\010line.pay.test");
    f.start(r -> r.service("pay", s -> s.tier(0, srv(SRV), e -> e.check(HealthChecks.http("/ready")).jitter(0))),
        x -> x, pool);
    await("a serves", () -> tier0().equals(List.of(endpoint(0))));
    assertEquals(List.of(endpoint(0)), f.resolver.snapshot().service("pay").orElseThrow().endpoints().stream()
        .map(ResolverSnapshot.Endpoint::name).toList());
  }

  /** The SRV set is looked up as its TTL asks: a 300 s TTL makes no upstream query in two virtual minutes. */
  @Test
  void theSrvNameIsLookedUpAsItsTtlAsks() throws Exception {
    f.dns.a("a.pay.test", 300, "127.0.0.1").srv(SRV, 300, 10, 10, 8081, "a.pay.test");
    startPassive();
    assertEquals(List.of("a.pay.test:8081"), tier0());
    assertEquals(1, f.dns.queryCount(SRV), "one query at start");
    for (int second = 0; second < 120; second++) {
      f.advanceSeconds(1);
    }
    assertEquals(1, f.dns.queryCount(SRV), "no upstream SRV query within the TTL");
  }
}

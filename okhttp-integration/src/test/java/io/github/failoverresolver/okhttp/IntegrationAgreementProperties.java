package io.github.failoverresolver.okhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.failoverresolver.FailoverResolver;
import io.github.failoverresolver.HealthCheck;
import io.github.failoverresolver.NoEligibleTargetException;
import io.github.failoverresolver.Outcome;
import io.github.failoverresolver.ResolverFixture;
import io.github.failoverresolver.Target;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * One rule for every integration: in every state a random run of probe results, client failures and clock
 * moves reaches (panic included), {@code FailoverDns} hands out, for each endpoint's host, exactly the
 * addresses of the targets with that host in the order {@code targets()} gives them, and fails only when
 * there are none; {@code select()} is {@code targets()}'s first, or during a slow start the first of the tier
 * traffic returns from (the interceptor routes to it and the gRPC
 * name resolver pushes it: both read {@code select}'s table). Real DNS over loopback UDP, virtual time.
 */
class IntegrationAgreementProperties {
  static final List<String> IPS = List.of("127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4");

  sealed interface Step {}

  record Probe(int address, boolean up) implements Step {}

  record ReportFailure() implements Step {}

  record Advance(int millis) implements Step {}

  @Provide
  Arbitrary<List<Step>> steps() {
    return Arbitraries.frequencyOf(
            Tuple.of(4, Arbitraries.integers().between(0, 3).flatMap(a -> Arbitraries.of(true, false, false)
                .map(up -> (Step) new Probe(a, up)))),
            Tuple.of(1, Arbitraries.just(new ReportFailure())),
            Tuple.of(4, Arbitraries.integers().between(0, 12_000).map(Advance::new)))
        .list().ofMinSize(1).ofMaxSize(40);
  }

  @Property(tries = 200)
  void failoverDnsSelectAndTargetsAgreeInEveryState(@ForAll("steps") List<Step> steps, @ForAll boolean panicMode)
      throws Exception {
    Map<String, Boolean> ready = new ConcurrentHashMap<>();
    IPS.forEach(ip -> ready.put(ip, true));
    HealthCheck scripted = c -> ready.getOrDefault(c.address().getAddress().getHostAddress(), false)
        ? HealthCheck.Result.healthy("ready") : HealthCheck.Result.unhealthy("not ready");
    try (ResolverFixture f = new ResolverFixture()) {
      // two primaries sharing a host name across tiers would be unusual; here: primary (2 addresses),
      // a second tier-0 endpoint, and a backup
      f.dns.a("primary.test", 300, IPS.get(0), IPS.get(1)).a("other.test", 300, IPS.get(2))
          .a("backup.test", 300, IPS.get(3));
      f.start(r -> r.service("pay", s -> s
          .tier(0, "primary.test:443", e -> e.check(scripted).interval(Duration.ofSeconds(1)).jitter(0)
              .healthyThreshold(1).unhealthyThreshold(1).passiveFirst(false))
          .tier(0, "other.test:443", e -> e.check(scripted).interval(Duration.ofSeconds(1)).jitter(0)
              .healthyThreshold(1).unhealthyThreshold(1).passiveFirst(false))
          .tier(1, "backup.test:443", e -> e.check(scripted).interval(Duration.ofSeconds(1)).jitter(0)
              .healthyThreshold(1).unhealthyThreshold(1).passiveFirst(false))
          .failbackStability(Duration.ofSeconds(5))
          .panicMode(panicMode)));
      FailoverDns dns = FailoverDns.of(f.resolver);
      f.advance(Duration.ofSeconds(2));
      for (Step step : steps) {
        if (step instanceof Probe p) {
          ready.put(IPS.get(p.address()), p.up());
        } else if (step instanceof ReportFailure) {
          try {
            Target t = f.resolver.select("pay");
            f.resolver.report(t, t.addresses().get(0), Outcome.connectFailure("refused"));
          } catch (NoEligibleTargetException none) {
            // nothing to report on
          }
        } else if (step instanceof Advance a) {
          f.advance(Duration.ofMillis(a.millis()));
        }
        agree(f.resolver, dns, step);
      }
    }
  }

  private static void agree(FailoverResolver resolver, FailoverDns dns, Step after) throws Exception {
    List<Target> targets = resolver.targets("pay");
    Optional<Target> selected;
    try {
      selected = Optional.of(resolver.select("pay"));
    } catch (NoEligibleTargetException none) {
      selected = Optional.empty();
    }
    // targets()'s first, or during a slow start after a failback the first target of the tier traffic comes
    // back from (a share of the calls): either way a target of this very table
    Optional<Target> first = targets.isEmpty() ? Optional.empty() : Optional.of(targets.get(0));
    if (selected.isPresent() && !selected.equals(first)) {
      Target s = selected.get();
      assertTrue(targets.contains(s) && targets.stream().filter(t -> t.tier() == s.tier()).findFirst().get() == s
          && s.tier() != targets.get(0).tier(), "select() is neither targets()'s first nor a slow start's, after " + after);
    } else {
      assertEquals(first, selected, "select() is targets()'s first, after " + after);
    }
    for (String host : List.of("primary.test", "other.test", "backup.test")) {
      List<InetAddress> expected = new ArrayList<>();
      for (Target t : targets) {
        if (t.host().equals(host)) {
          expected.addAll(t.inetAddresses());
        }
      }
      if (expected.isEmpty()) {
        assertThrows(UnknownHostException.class, () -> dns.lookup(host),
            host + " has no target, yet FailoverDns answered, after " + after + ": " + targets);
      } else {
        assertEquals(expected, dns.lookup(host), "FailoverDns for " + host + " after " + after + ": " + targets);
      }
    }
    net.jqwik.api.statistics.Statistics.label("state").collect(selected.isEmpty() ? "no target"
        : selected.get().panic() ? "panic" : "tier " + selected.get().tier());
    selected.ifPresent(t -> assertTrue(!t.panic() || targets.stream().allMatch(Target::panic),
        "panic targets are handed out alone"));
  }
}

package io.github.failoverresolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The whole resolver (control loop, checks, DNS) under random sequences of probe results, passive reports,
 * DNS changes and clock moves (virtual time, real DNS over loopback UDP). The policy alone is covered, with
 * no socket, by {@code internal.policy.FailoverPolicyProperties}. Probe results come from a user {@link HealthCheck}
 * whose verdict per address the sequence sets, as a real readiness endpoint's would change.
 */
class FailoverResolverProperties {
  static final Duration BASE = Duration.ofSeconds(10);
  static final double FACTOR = 2;
  static final Duration MAX = Duration.ofSeconds(40);
  static final Duration FLAP_WINDOW = Duration.ofSeconds(120);
  static final List<String> PRIMARY_IPS = List.of("127.0.0.1", "127.0.0.2");
  static final String BACKUP_IP = "127.0.0.3";

  sealed interface Step {}

  /** The readiness of one of the three addresses (0, 1: primary; 2: backup). */
  record Probe(int address, boolean up) implements Step {}

  /** A client reports a connect failure on the selected target's first address. */
  record ReportFailure() implements Step {}

  /** The primary's name now resolves to this subset of its two addresses. */
  record DnsChange(boolean first, boolean second) implements Step {}

  record Advance(int millis) implements Step {}

  record Select() implements Step {}

  @Provide
  Arbitrary<List<Step>> steps() {
    return Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.integers().between(0, 2).flatMap(a -> Arbitraries.of(true, false)
                .map(up -> (Step) new Probe(a, up)))),
            Tuple.of(1, Arbitraries.just(new ReportFailure())),
            Tuple.of(1, Arbitraries.of(true, false).flatMap(x -> Arbitraries.of(true, false)
                .map(y -> (Step) new DnsChange(x, y)))),
            Tuple.of(4, Arbitraries.oneOf(Arbitraries.integers().between(0, 30).map(s -> s * 1000),
                Arbitraries.integers().between(0, 25_000)).map(Advance::new)),
            Tuple.of(4, Arbitraries.just(new Select())))
        .list().ofMinSize(1).ofMaxSize(50);
  }

  @Property(tries = 150)
  void selectOnlyHandsOutEligibleAddressesAndFailbackRespectsDamping(@ForAll("steps") List<Step> steps)
      throws Exception {
    Map<String, Boolean> ready = new ConcurrentHashMap<>(Map.of(PRIMARY_IPS.get(0), true, PRIMARY_IPS.get(1), true,
        BACKUP_IP, true));
    HealthCheck scripted = c -> ready.getOrDefault(c.address().getAddress().getHostAddress(), false)
        ? HealthCheck.Result.healthy("ready")
        : HealthCheck.Result.unhealthy("not ready");
    try (ResolverFixture f = new ResolverFixture()) {
      f.dns.a("primary.test", 5, PRIMARY_IPS.toArray(String[]::new)).a("backup.test", 5, BACKUP_IP);
      f.start(r -> r.service("pay", s -> s
          .tier(0, "primary.test:443", e -> e.check(scripted).interval(Duration.ofSeconds(1)).jitter(0.2)
              .healthyThreshold(1).unhealthyThreshold(1))
          .tier(1, "backup.test:443", e -> e.check(scripted).interval(Duration.ofSeconds(1)).jitter(0.2)
              .healthyThreshold(1).unhealthyThreshold(1))
          .failbackStability(BASE).dampingFactor(FACTOR).maxFailbackStability(MAX).flapWindow(FLAP_WINDOW)));
      for (Step step : steps) {
        if (step instanceof Probe p) {
          ready.put(p.address() < 2 ? PRIMARY_IPS.get(p.address()) : BACKUP_IP, p.up());
        } else if (step instanceof ReportFailure) {
          try {
            Target t = f.resolver.select("pay");
            InetSocketAddress reported = t.addresses().get(0);
            f.resolver.report(t, reported, Outcome.connectFailure("refused"));
            Target next = selectOrNull(f);
            assertTrue(next == null || !next.addresses().contains(reported),
                "the very next select avoids an address a connect failure just ejected: " + next);
          } catch (NoEligibleTargetException none) {
            // nothing to report on
          }
        } else if (step instanceof DnsChange d) {
          List<String> ips = new ArrayList<>();
          if (d.first()) {
            ips.add(PRIMARY_IPS.get(0));
          }
          if (d.second()) {
            ips.add(PRIMARY_IPS.get(1));
          }
          if (ips.isEmpty()) {
            f.dns.remove("primary.test", org.xbill.DNS.Type.A);
          } else {
            f.dns.a("primary.test", 5, ips.toArray(String[]::new));
          }
        } else if (step instanceof Advance a) {
          f.advance(Duration.ofMillis(a.millis()));
        } else {
          checkSelect(f);
        }
      }
      checkSelect(f);
      checkFailbacks(f);
    }
  }

  private static Target selectOrNull(ResolverFixture f) {
    try {
      return f.resolver.select("pay");
    } catch (NoEligibleTargetException none) {
      return null;
    }
  }

  /** select never hands out an ineligible address, and never fails while an eligible one exists. */
  private static void checkSelect(ResolverFixture f) {
    ResolverSnapshot.Service snap = f.resolver.snapshot().service("pay").orElseThrow();
    Set<String> eligible = snap.endpoints().stream().flatMap(e -> e.addresses().stream())
        .filter(ResolverSnapshot.Address::eligible).map(ResolverSnapshot.Address::label)
        .collect(Collectors.toSet());
    Target t = selectOrNull(f);
    if (eligible.isEmpty()) {
      assertTrue(t == null, "nothing eligible, yet select returned " + t);
      return;
    }
    assertTrue(t != null, "select failed although " + eligible + " are eligible: " + snap);
    assertFalse(t.panic());
    for (InetSocketAddress a : t.addresses()) {
      assertTrue(eligible.contains(a.getAddress().getHostAddress() + ":" + a.getPort()),
          "select returned " + a + " which is not eligible: " + snap);
    }
  }

  /**
   * Every failback came after the window its flap history called for (computed here from the failover
   * events alone), and no address of the tier it went back to went down or was ejected in that window.
   */
  private static void checkFailbacks(ResolverFixture f) {
    List<FailoverEvent> events = f.events;
    for (FailoverEvent e : events) {
      if (!(e instanceof FailoverEvent.Failback back)) {
        continue;
      }
      Instant at = back.at();
      long flaps = events.stream()
          .filter(x -> x instanceof FailoverEvent.Failover fo && fo.toTier() > fo.fromTier())
          .filter(x -> !x.at().isAfter(at) && x.at().isAfter(at.minus(FLAP_WINDOW)))
          .count();
      double windowMs = Math.min(BASE.toMillis() * Math.pow(FACTOR, Math.max(0, flaps - 1)), MAX.toMillis());
      assertTrue(back.stableFor().toMillis() >= (long) windowMs,
          "failback at " + at + " after " + back.stableFor() + " but " + flaps + " flaps call for " + windowMs + " ms");
      Instant from = at.minus(back.stableFor());
      // replay the endpoint's address events: at no moment of the window may all of them be out
      Map<String, Boolean> up = new java.util.HashMap<>();
      Map<String, Instant> ejectedUntil = new java.util.HashMap<>();
      for (FailoverEvent x : events) {
        if (x.at().isAfter(at)) {
          break;
        }
        if (x instanceof FailoverEvent.AddressUp u && u.endpoint().equals(back.toEndpoint())) {
          up.put(u.address(), true);
          ejectedUntil.remove(u.address()); // a passing check ends an ejection, whatever the address's health was
        } else if (x instanceof FailoverEvent.AddressDown d && d.endpoint().equals(back.toEndpoint())) {
          up.put(d.address(), false);
        } else if (x instanceof FailoverEvent.AddressEjected j && j.endpoint().equals(back.toEndpoint())) {
          ejectedUntil.put(j.address(), j.at().plus(j.duration()));
        } else {
          continue;
        }
        Instant t = x.at();
        if (t.isAfter(from) && t.isBefore(at)) {
          boolean anyEligible = up.entrySet().stream().anyMatch(a -> a.getValue()
              && !ejectedUntil.getOrDefault(a.getKey(), Instant.MIN).isAfter(t));
          assertTrue(anyEligible, "tier " + back.toTier() + " had no eligible address at " + t + " (" + x
              + "), within the window before " + back + "\nEVENTS " + events.stream().map(Object::toString)
              .collect(Collectors.joining("\n")));
        }
      }
    }
    assertEquals(0, events.stream().filter(x -> x instanceof FailoverEvent.PanicEntered).count());
  }
}

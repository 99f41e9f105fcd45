package io.github.failoverresolver.internal.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Tuple;

/**
 * The failover policy as a pure function, on random views, memories and settings: no socket, no DNS
 * server, no clock. Each property runs 10,000 tries.
 */
class FailoverPolicyProperties {
  static final long NOW = PolicyArbitraries.START;

  /** A random state from a seed: the view, what the policy remembers, its settings. */
  record State(ServiceView view, PolicyMemory memory, PolicySettings settings) {
    static State of(long seed) {
      SplittableRandom r = new SplittableRandom(seed);
      ServiceView view = PolicyArbitraries.view(r, PolicyArbitraries.shape(r), NOW);
      return new State(view, PolicyArbitraries.memory(r, view, NOW), PolicyArbitraries.settings(r));
    }
  }

  /** Every address some endpoint could hand out now, recomputed from {@link Eligibility} alone. */
  static Set<InetSocketAddress> eligible(ServiceView view, PolicySettings s, long now) {
    Set<InetSocketAddress> out = new java.util.HashSet<>();
    for (EndpointFacts e : view.endpoints()) {
      out.addAll(Eligibility.eligible(e, Eligibility.notIndependent(view, e, s), s, now));
    }
    return out;
  }

  @Property(tries = 10_000)
  void onlyEligibleAddressesAreHandedOutAndSomethingIsWhileOneIs(@ForAll long seed) {
    State state = State.of(seed);
    ServiceView view = state.view();
    PolicySettings s = state.settings();
    Decision d = FailoverPolicy.decide(view, state.memory(), s, NOW);
    Set<InetSocketAddress> eligible = eligible(view, s, NOW);
    for (Decision.Choice c : d.targets()) {
      EndpointFacts e = view.endpoints().get(c.endpoint());
      assertFalse(c.addresses().isEmpty(), "a target always has addresses");
      for (InetSocketAddress a : c.addresses()) {
        AddressFacts facts = e.addresses().stream().filter(x -> x.address().equals(a)).findFirst().orElseThrow();
        if (c.panic()) {
          assertTrue(Eligibility.untrusted(e, facts, s).isEmpty(), "panic never relaxes trust: " + a);
          assertTrue(s.panicMode() && eligible.isEmpty(), "panic only when enabled and nothing is eligible");
        } else {
          assertTrue(Eligibility.whyNot(e, facts, Eligibility.notIndependent(view, e, s), s, NOW).isEmpty(),
              "handed out " + a + " of " + e.name() + ", which is not eligible");
        }
      }
    }
    if (!eligible.isEmpty()) {
      assertFalse(d.targets().isEmpty(), "nothing handed out although " + eligible + " are eligible");
      assertFalse(d.panic());
    }
  }

  /** The dry-run drill and a live drill (tier 0 taken out through the endpoints' facts) agree, always. */
  @Property(tries = 10_000)
  void dryRunDrillNamesWhatTheLivePolicyServesWithTierZeroOut(@ForAll long seed) {
    State state = State.of(seed);
    ServiceView view = state.view();
    PolicySettings s = state.settings();
    Decision dry = FailoverPolicy.drill(view, state.memory(), s, NOW);
    int primary = view.primaryTier();
    ServiceView out = new ServiceView(view.service(), view.endpoints().stream()
        .map(e -> e.tier() == primary ? e.drilled(true) : e).toList());
    Decision live = FailoverPolicy.decide(out, state.memory(), s, NOW);
    assertEquals(first(live), first(dry), state.toString());
    assertTrue(live.targets().stream().noneMatch(c -> c.tier() == primary && !c.panic()), "tier 0 is out");
  }

  /**
   * While the primary serves (no pin), a drill names the first backup tier with {@code minEligible} eligible
   * addresses (else the first with any), and in it the first endpoint with an eligible address: computed here
   * from the facts alone (the b1/b2 case of the issue is one such state).
   */
  @Property(tries = 10_000)
  void drillNamesTheFirstSufficientBackupTier(@ForAll long seed) {
    State state = State.of(seed);
    ServiceView view = state.view();
    PolicySettings s = state.settings();
    PolicyMemory serving = new PolicyMemory(view.primaryTier(), java.util.Map.of(), List.of(), Optional.empty(),
        Optional.empty(), true, false, false);
    Decision dry = FailoverPolicy.drill(view, serving, s, NOW);
    assertEquals(expectedDrillTarget(view, s), first(dry).map(x -> x.get1()), state.toString());
  }

  static Optional<String> expectedDrillTarget(ServiceView view, PolicySettings s) {
    List<Integer> backups = view.tiers().stream().filter(t -> t != view.primaryTier()).toList();
    Optional<Integer> tier = backups.stream().filter(t -> count(view, t, s) >= s.minEligible()).findFirst()
        .or(() -> backups.stream().filter(t -> count(view, t, s) > 0).findFirst());
    return tier.flatMap(t -> view.endpoints().stream().filter(e -> e.tier() == t)
        .filter(e -> !Eligibility.eligible(e, Eligibility.notIndependent(view, e, s), s, NOW).isEmpty())
        .map(EndpointFacts::name).findFirst());
  }

  static int count(ServiceView view, int tier, PolicySettings s) {
    return view.endpoints().stream().filter(e -> e.tier() == tier)
        .mapToInt(e -> Eligibility.eligible(e, Eligibility.notIndependent(view, e, s), s, NOW).size()).sum();
  }

  static Optional<Tuple.Tuple2<String, Integer>> first(Decision d) {
    return d.targets().stream().findFirst().map(c -> Tuple.of(c.name(), c.tier()));
  }

  // ---- damping, over time ---------------------------------------------------------------------

  /**
   * Every failback waits at least the damped window computed here from the failover history alone, and the
   * tier it returns to had {@code minEligible} eligible addresses at every step of that window.
   */
  @Property(tries = 10_000)
  void failbackWaitsTheDampedWindowWithTheTierEligibleThroughout(@ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Integer> shape = PolicyArbitraries.shape(r);
    PolicySettings s = PolicyArbitraries.settings(r);
    PolicyMemory memory = PolicyMemory.initial();
    long now = NOW;
    List<Long> failovers = new ArrayList<>();
    List<long[]> steps = new ArrayList<>(); // {time, index of its view}
    List<ServiceView> views = new ArrayList<>();
    int length = 2 + r.nextInt(39);
    for (int i = 0; i < length; i++) {
      now += r.nextInt(4) == 0 ? 0 : r.nextInt(20_001); // sometimes several inputs at one instant
      ServiceView view = PolicyArbitraries.view(r, shape, now);
      views.add(view);
      Decision d = FailoverPolicy.decide(view, memory, s, now);
      for (Transition t : d.transitions()) {
        if (t instanceof Transition.Failover f && f.to() > f.from()) {
          failovers.add(now);
        }
        if (t instanceof Transition.Failback back) {
          long at = now;
          long flaps = failovers.stream().filter(x -> x > at - s.flapWindowMs()).count();
          long window = (long) Math.min(s.failbackStabilityMs() * Math.pow(s.dampingFactor(), Math.max(0, flaps - 1)),
              s.maxFailbackStabilityMs());
          assertTrue(back.stableForMs() >= window, "failback after " + back.stableForMs() + " ms; " + flaps
              + " flaps call for " + window + " ms (seed " + seed + ")");
          // probation: no client failure on the tier's addresses inside the window
          for (EndpointFacts e : view.endpoints()) {
            for (AddressFacts a : e.addresses()) {
              assertTrue(e.tier() != back.to() || a.passiveFailureAt() > at || a.passiveFailureAt() <= at - window,
                  "failback to tier " + back.to() + " at " + at + " with a client failure at " + a.passiveFailureAt()
                      + " inside its " + window + " ms window (seed " + seed + ")");
            }
          }
          // the steps after the one that made it eligible (several steps may share that instant)
          for (long[] st : steps) {
            if (st[0] > at - back.stableForMs()) {
              long c = count(views.get((int) st[1]), back.to(), s, st[0]);
              assertTrue(c >= s.minEligible(), "tier " + back.to() + " had " + c + " eligible at " + st[0]
                  + ", inside the window before the failback at " + at + " (seed " + seed + ")");
            }
          }
        }
      }
      steps.add(new long[] {now, i});
      memory = d.next();
    }
  }

  static long count(ServiceView view, int tier, PolicySettings s, long now) {
    return view.endpoints().stream().filter(e -> e.tier() == tier)
        .mapToInt(e -> Eligibility.eligible(e, Eligibility.notIndependent(view, e, s), s, now).size()).sum();
  }
}

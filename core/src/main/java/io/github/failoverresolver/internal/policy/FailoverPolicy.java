package io.github.failoverresolver.internal.policy;

import io.github.failoverresolver.ResolverSnapshot.Health;
import io.github.failoverresolver.ResolverSnapshot.TrustStatus;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The failover policy as one pure decision: which tier and endpoints serve a service, given the facts of
 * its addresses, what the policy remembers, its settings and the time. No clock, executor, logger, socket
 * or event type: the control loop supplies the facts and acts on the decision, and drills, simulations and
 * property tests call the same function on hypothetical views.
 */
public final class FailoverPolicy {
  private FailoverPolicy() {}

  /** Decides which targets serve {@code view} at {@code now}. */
  public static Decision decide(ServiceView view, PolicyMemory memory, PolicySettings s, long now) {
    List<EndpointFacts> eps = view.endpoints();
    List<Integer> tiers = view.tiers();
    int lowest = tiers.get(0);
    List<EndpointVerdict> verdicts = new ArrayList<>(eps.size());
    Map<Integer, Integer> count = new HashMap<>();
    long nextEjectionEnd = Long.MAX_VALUE;
    for (EndpointFacts e : eps) {
      Optional<Ineligibility.NotIndependent> independence = Eligibility.notIndependent(view, e, s);
      List<EndpointVerdict.AddressVerdict> addresses = new ArrayList<>(e.addresses().size());
      List<InetSocketAddress> ok = new ArrayList<>(e.addresses().size());
      for (AddressFacts a : e.addresses()) {
        Optional<Ineligibility> why = Eligibility.whyNot(e, a, independence, s, now);
        addresses.add(new EndpointVerdict.AddressVerdict(a, why));
        if (why.isEmpty()) {
          ok.add(a.address());
        }
        if (a.ejected(now)) {
          nextEjectionEnd = Math.min(nextEjectionEnd, a.ejectedUntil());
        }
      }
      verdicts.add(new EndpointVerdict(e, ok, endpointWhyNot(e), addresses));
      count.merge(e.tier(), ok.size(), Integer::sum);
    }

    Map<Integer, Long> since = new HashMap<>(memory.eligibleSince());
    for (int t : tiers) {
      if (count.getOrDefault(t, 0) >= s.minEligible()) {
        since.putIfAbsent(t, now);
      } else {
        since.remove(t);
      }
    }
    // until the primary tier has had its first verdicts, moving to it is start-up, not a failback:
    // decide with the old value, remember the new one
    boolean settledBefore = memory.settled();
    boolean settled = settledBefore || primaryHasFirstVerdicts(eps, lowest);
    Integer best = tiers.stream().filter(since::containsKey).findFirst().orElse(null);
    Integer degraded = tiers.stream().filter(t -> count.getOrDefault(t, 0) > 0).findFirst().orElse(null);
    int previous = memory.activeTier();
    boolean forced = previous >= 0 && !since.containsKey(previous);
    List<Long> failovers = new ArrayList<>(Damping.recent(memory.failovers(), now, s));
    long window = Damping.windowMs(failovers, now, s);

    // probation: a failback to a tier counts its window from the later of when it became eligible and the
    // last failure a client reported on its addresses (an API failing while readiness passes)
    Map<Integer, Long> stable = new HashMap<>(since);
    Map<Integer, String> passive = new HashMap<>();
    for (EndpointFacts e : eps) {
      for (AddressFacts a : e.addresses()) {
        Long from = stable.get(e.tier());
        if (from != null && a.passiveFailureAt() > from && a.passiveFailureAt() <= now) {
          stable.put(e.tier(), a.passiveFailureAt());
          passive.put(e.tier(), io.github.failoverresolver.ResolverSnapshot.Address.label(a.address()) + ": " + a.passiveFailure());
        }
      }
    }

    Normal normal = normal(verdicts, count, stable, passive, best, degraded, previous, forced, settledBefore, window,
        s, now);
    int chosen = normal.tier;
    Reason reason = normal.reason;
    String onlyEndpoint = null;
    boolean pinApplied = false;
    if (memory.pinnedEndpoint().isPresent()) {
      String pin = memory.pinnedEndpoint().get();
      Optional<EndpointVerdict> pinned = verdicts.stream().filter(v -> v.endpoint().name().equals(pin)).findFirst();
      if (pinned.isPresent() && !pinned.get().eligible().isEmpty()) {
        chosen = pinned.get().endpoint().tier();
        reason = new Reason.PinnedEndpoint(pin);
        onlyEndpoint = pin;
        pinApplied = true;
      } else {
        reason = new Reason.PinUnavailable("endpoint " + pin, reason);
      }
    } else if (memory.pinnedTier().isPresent()) {
      int pin = memory.pinnedTier().get();
      if (count.getOrDefault(pin, 0) > 0) {
        chosen = pin;
        reason = new Reason.PinnedTier(pin);
        pinApplied = true;
      } else {
        reason = new Reason.PinUnavailable("tier " + pin, reason);
      }
    }
    Long stableFor = pinApplied ? null : normal.stableFor;

    // slow start: after a failback the tier returned to gets a growing share; a client's failure on it meanwhile
    // is a failed failback (traffic goes back at once, and the failover counts for damping)
    int rampFrom = -1;
    long rampStart = 0;
    List<Transition> rampTransitions = new ArrayList<>();
    if (memory.rampFrom() >= 0 && previous >= 0 && previous == memory.activeTier()) {
      int from = memory.rampFrom();
      boolean fromEligible = count.getOrDefault(from, 0) > 0;
      String failure = null;
      for (EndpointFacts e : eps) {
        for (AddressFacts a : e.addresses()) {
          if (e.tier() == previous && a.passiveFailureAt() >= memory.rampStart() && a.passiveFailureAt() <= now) {
            failure = io.github.failoverresolver.ResolverSnapshot.Address.label(a.address()) + ": " + a.passiveFailure();
          }
        }
      }
      boolean during = now < memory.rampStart() + s.slowStartMs();
      if (!pinApplied && chosen == previous && during && fromEligible && failure != null) {
        reason = new Reason.SlowStartAborted(previous, from, failure);
        chosen = from;
        stableFor = null;
        rampTransitions.add(new Transition.SlowStartEnded(previous, false, reason));
      } else if (!pinApplied && chosen == previous && during && fromEligible) {
        rampFrom = from;
        rampStart = memory.rampStart();
      } else {
        rampTransitions.add(new Transition.SlowStartEnded(previous, chosen == previous && !during, reason));
      }
    }

    // panic: nothing eligible anywhere (not before the first verdicts: nothing is eligible yet then)
    boolean panicNow = chosen < 0 && s.panicMode() && settled;
    List<Decision.Choice> targets = new ArrayList<>();
    if (chosen >= 0) {
      for (int i = 0; i < verdicts.size(); i++) {
        EndpointVerdict v = verdicts.get(i);
        if (v.endpoint().tier() == chosen && (onlyEndpoint == null || v.endpoint().name().equals(onlyEndpoint))) {
          choose(targets, i, v, v.eligible(), false);
        }
      }
      for (int t : tiers) {
        for (int i = 0; i < verdicts.size() && t != chosen; i++) {
          if (verdicts.get(i).endpoint().tier() == t) {
            choose(targets, i, verdicts.get(i), verdicts.get(i).eligible(), false);
          }
        }
      }
    } else if (panicNow) {
      for (int i = 0; i < verdicts.size(); i++) {
        EndpointFacts e = verdicts.get(i).endpoint();
        if (e.tier() == lowest && !e.drained() && !e.drilled()) {
          choose(targets, i, verdicts.get(i), leastBad(e, s, now), true);
        }
      }
    }
    int active = targets.isEmpty() || panicNow ? -1 : chosen;

    List<Transition> transitions = new ArrayList<>();
    if (panicNow != memory.panic()) {
      transitions.add(panicNow ? new Transition.PanicEntered(verdicts) : new Transition.PanicLeft(reason));
    }
    boolean unavailable = targets.isEmpty();
    if (unavailable && !memory.unavailable() && previous >= 0) {
      transitions.add(new Transition.Unavailable(verdicts));
    }
    if (previous >= 0 && active >= 0 && active != previous) {
      String endpoint = targets.get(0).name();
      if ((active > previous || forced) && settledBefore) {
        // (before the primary's first verdicts every move is start-up: no failover, nothing to damp)
        if (active > previous) {
          failovers.add(now); // a flap of the better tier: lengthens its next failback window
        }
        transitions.add(new Transition.Failover(previous, active, endpoint, reason));
      } else if (stableFor != null) {
        transitions.add(new Transition.Failback(previous, active, endpoint, stableFor, reason));
      }
    }
    transitions.addAll(rampTransitions);
    boolean failedBack = transitions.stream().anyMatch(t -> t instanceof Transition.Failback);
    if (failedBack && s.slowStartMs() > 0 && !panicNow && count.getOrDefault(previous, 0) > 0) {
      rampFrom = previous;
      rampStart = now;
      transitions.add(new Transition.SlowStartStarted(active, previous, s.slowStartMs(), s.slowStartMinShare()));
    }
    if (active < 0 || panicNow) {
      rampFrom = -1;
    }
    double share = rampFrom >= 0 ? s.rampShare(now - rampStart) : 1.0;
    PolicyMemory next = new PolicyMemory(active, since, failovers, memory.pinnedTier(), memory.pinnedEndpoint(),
        settled, panicNow, unavailable, rampFrom, rampFrom >= 0 ? rampStart : 0);

    long again = nextEjectionEnd;
    if (best != null && active > best && settled) {
      again = Math.min(again, stable.get(best) + Damping.windowMs(failovers, now, s));
    }
    if (rampFrom >= 0) { // the share grows in steps of a tenth of the window (at least 100 ms)
      again = Math.min(again, Math.min(rampStart + s.slowStartMs(), now + Math.max(100, s.slowStartMs() / 10)));
    }
    return new Decision(active, panicNow, targets, reason, verdicts, next,
        again == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(Math.max(again, now)), transitions,
        share, share < 1.0 ? rampFrom : -1);
  }

  /**
   * Dry run: the decision if the primary tier were taken out now, exactly as a live drill takes it out
   * (the same {@link #decide} on the same view with that tier drilled).
   */
  public static Decision drill(ServiceView view, PolicyMemory memory, PolicySettings s, long now) {
    return decide(view.withTierOut(view.primaryTier()), memory, s, now);
  }

  private record Normal(int tier, Reason reason, Long stableFor) {}

  private static Normal normal(List<EndpointVerdict> verdicts, Map<Integer, Integer> count, Map<Integer, Long> since,
      Map<Integer, String> passive, Integer best, Integer degraded, int previous, boolean forced, boolean settled, long window, PolicySettings s,
      long now) {
    int chosen;
    if (best == null) {
      chosen = degraded == null ? -1 : degraded;
    } else if (previous < 0 || !settled || forced) {
      chosen = best; // nothing served yet, start-up, or the serving tier lost eligibility: at once
    } else if (best < previous) {
      chosen = now - since.get(best) >= window ? best : previous;
    } else {
      chosen = previous;
    }
    if (chosen < 0) {
      return new Normal(chosen, new Reason.NoTierEligible(), null);
    }
    if (best == null) {
      return new Normal(chosen, new Reason.BelowMinimumEverywhere(s.minEligible(), chosen), null);
    }
    if (previous >= 0 && chosen < previous && forced) {
      return new Normal(chosen, new Reason.LostEligibility(previous, chosen, tier(verdicts, previous)), null);
    }
    if (previous >= 0 && chosen < previous && !settled) {
      return new Normal(chosen, new Reason.StartUp(chosen), null);
    }
    if (previous >= 0 && chosen < previous) {
      long stable = now - since.get(chosen);
      return new Normal(chosen, new Reason.FailbackAfter(chosen, stable, window), stable);
    }
    if (previous >= 0 && chosen > previous) {
      return new Normal(chosen, new Reason.TooFewEligible(previous, count.getOrDefault(previous, 0), s.minEligible(),
          tier(verdicts, previous)), null);
    }
    if (best < chosen) {
      return new Normal(chosen, new Reason.FailbackPending(best, now - since.get(best), window,
          Optional.ofNullable(passive.get(best))), null);
    }
    return new Normal(chosen, new Reason.BestEligible(chosen), null);
  }

  private static List<EndpointVerdict> tier(List<EndpointVerdict> verdicts, int tier) {
    return verdicts.stream().filter(v -> v.endpoint().tier() == tier).toList();
  }

  private static Optional<Ineligibility> endpointWhyNot(EndpointFacts e) {
    if (e.drained()) {
      return Optional.of(new Ineligibility.Drained());
    }
    if (e.drilled()) {
      return Optional.of(new Ineligibility.Drilled());
    }
    return e.addresses().isEmpty() ? Optional.of(new Ineligibility.NoAddresses(e.dns())) : Optional.empty();
  }

  private static boolean primaryHasFirstVerdicts(List<EndpointFacts> eps, int lowest) {
    return eps.stream().filter(e -> e.tier() == lowest).allMatch(e -> !e.addresses().isEmpty()
        && e.credential().map(c -> c.status() != TrustStatus.UNKNOWN).orElse(true)
        && e.addresses().stream().allMatch(a -> Eligibility.hasFirstVerdict(e, a)));
  }

  /** Panic relaxes health, never trust: the trusted addresses, not ejected and least failed first. */
  private static List<InetSocketAddress> leastBad(EndpointFacts e, PolicySettings s, long now) {
    return e.addresses().stream()
        .filter(a -> Eligibility.untrusted(e, a, s).isEmpty())
        .sorted(Comparator.<AddressFacts>comparingInt(a -> a.ejected(now) ? 1 : 0)
            .thenComparingInt(a -> a.health() == Health.UNKNOWN ? 0 : 1)
            .thenComparingInt(AddressFacts::consecutiveFailures))
        .map(AddressFacts::address).toList();
  }

  private static void choose(List<Decision.Choice> out, int index, EndpointVerdict v, List<InetSocketAddress> addresses,
      boolean panic) {
    if (!addresses.isEmpty()) {
      out.add(new Decision.Choice(index, v.endpoint().name(), v.endpoint().tier(), addresses, panic));
    }
  }
}

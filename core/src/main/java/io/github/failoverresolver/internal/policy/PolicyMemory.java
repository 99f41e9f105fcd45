package io.github.failoverresolver.internal.policy;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the policy remembers between decisions. Immutable; each {@link Decision} carries the next one.
 *
 * @param activeTier the tier served, or -1 when none is (also in panic)
 * @param eligibleSince for each tier with at least {@code minEligible} eligible addresses, since when
 * @param failovers when the served tier got worse, within the flap window (lengthens the failback window)
 * @param pinnedTier an operator's pin to a tier
 * @param pinnedEndpoint an operator's pin to one endpoint
 * @param settled the primary tier has had its first verdicts (before that, moving to it is start-up)
 * @param panic panic mode is handing out addresses
 * @param unavailable no target could be handed out
 * @param rampFrom during a slow start after a failback, the tier traffic came back from (-1: none)
 * @param rampStart when that slow start began
 */
public record PolicyMemory(int activeTier, Map<Integer, Long> eligibleSince, List<Long> failovers,
    Optional<Integer> pinnedTier, Optional<String> pinnedEndpoint, boolean settled, boolean panic,
    boolean unavailable, int rampFrom, long rampStart) {

  public PolicyMemory {
    eligibleSince = Map.copyOf(eligibleSince);
    failovers = List.copyOf(failovers);
  }

  /** With no slow start under way. */
  public PolicyMemory(int activeTier, Map<Integer, Long> eligibleSince, List<Long> failovers,
      Optional<Integer> pinnedTier, Optional<String> pinnedEndpoint, boolean settled, boolean panic,
      boolean unavailable) {
    this(activeTier, eligibleSince, failovers, pinnedTier, pinnedEndpoint, settled, panic, unavailable, -1, 0);
  }

  public static PolicyMemory initial() {
    return new PolicyMemory(-1, Map.of(), List.of(), Optional.empty(), Optional.empty(), false, false, false);
  }

  public PolicyMemory pinTier(Optional<Integer> tier) {
    return new PolicyMemory(activeTier, eligibleSince, failovers, tier, Optional.empty(), settled, panic, unavailable,
        rampFrom, rampStart);
  }

  public PolicyMemory pinEndpoint(Optional<String> endpoint) {
    return new PolicyMemory(activeTier, eligibleSince, failovers, Optional.empty(), endpoint, settled, panic,
        unavailable, rampFrom, rampStart);
  }
}

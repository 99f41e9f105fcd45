package io.github.failoverresolver.internal.policy;

import java.util.List;

/** Route-flap damping of failback (the shape of RFC 2439). Pure. */
public final class Damping {
  private Damping() {}

  /** The failovers still inside the flap window at {@code now}. */
  public static List<Long> recent(List<Long> failovers, long now, PolicySettings s) {
    return failovers.stream().filter(t -> t > now - s.flapWindowMs()).toList();
  }

  /**
   * The failback window: the base stability, multiplied by the damping factor for each failover after the
   * first within the flap window, capped at the maximum.
   */
  public static long windowMs(List<Long> failovers, long now, PolicySettings s) {
    int flaps = Math.max(0, recent(failovers, now, s).size() - 1);
    double window = s.failbackStabilityMs() * Math.pow(s.dampingFactor(), flaps);
    return (long) Math.min(window, s.maxFailbackStabilityMs());
  }
}

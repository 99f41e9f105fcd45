package io.github.failoverresolver.internal.policy;

/**
 * A service's policy settings as plain values (milliseconds). Immutable.
 */
public record PolicySettings(int minEligible, long failbackStabilityMs, double dampingFactor,
    long maxFailbackStabilityMs, long flapWindowMs, boolean panicMode, boolean requireIndependence,
    boolean blockSharedCredentials) {

  public PolicySettings {
    if (minEligible < 1) {
      throw new IllegalArgumentException("minEligible=" + minEligible + ": must be at least 1");
    }
  }
}

package io.github.failoverresolver.internal.policy;

/**
 * A service's policy settings as plain values (milliseconds). Immutable.
 *
 * @param slowStartMs after a failback, the share of traffic sent to the tier returned to grows over this long
 *     (0: all at once)
 * @param slowStartMinShare the share it starts with
 */
public record PolicySettings(int minEligible, long failbackStabilityMs, double dampingFactor,
    long maxFailbackStabilityMs, long flapWindowMs, boolean panicMode, boolean requireIndependence,
    boolean blockSharedCredentials, long slowStartMs, double slowStartMinShare) {

  public PolicySettings {
    if (minEligible < 1) {
      throw new IllegalArgumentException("minEligible=" + minEligible + ": must be at least 1");
    }
  }

  /** Without slow start. */
  public PolicySettings(int minEligible, long failbackStabilityMs, double dampingFactor,
      long maxFailbackStabilityMs, long flapWindowMs, boolean panicMode, boolean requireIndependence,
      boolean blockSharedCredentials) {
    this(minEligible, failbackStabilityMs, dampingFactor, maxFailbackStabilityMs, flapWindowMs, panicMode,
        requireIndependence, blockSharedCredentials, 0, 1.0);
  }

  /**
   * The share of traffic for the tier returned to, {@code elapsedMs} into its slow start: from
   * {@code slowStartMinShare}, growing linearly, to 1 at the end of the window (1 with slow start off).
   */
  public double rampShare(long elapsedMs) {
    if (slowStartMs <= 0 || elapsedMs >= slowStartMs) {
      return 1.0;
    }
    double share = slowStartMinShare + (1 - slowStartMinShare) * Math.max(0, elapsedMs) / (double) slowStartMs;
    return Math.min(1.0, Math.max(slowStartMinShare, share));
  }
}

package io.github.failoverresolver.internal.health;

import io.github.failoverresolver.ResolverSnapshot.Health;

/**
 * An address's health from its active checks, with Envoy-style thresholds. Immutable; pure.
 * At start-up (UNKNOWN) the first verdict counts at once, as in Envoy.
 */
public record HealthCounters(Health health, int consecutiveOk, int consecutiveFail) {

  /** UNKNOWN until checked, or HEALTHY for an endpoint with no active check (passive outcomes only). */
  public static HealthCounters initial(boolean checked) {
    return new HealthCounters(checked ? Health.UNKNOWN : Health.HEALTHY, 0, 0);
  }

  public HealthCounters onCheck(boolean ok, int healthyThreshold, int unhealthyThreshold) {
    if (ok) {
      int n = consecutiveOk + 1;
      boolean up = health == Health.UNKNOWN || (health == Health.UNHEALTHY && n >= healthyThreshold);
      return new HealthCounters(up ? Health.HEALTHY : health, n, 0);
    }
    int n = consecutiveFail + 1;
    boolean down = health == Health.UNKNOWN || (health == Health.HEALTHY && n >= unhealthyThreshold);
    return new HealthCounters(down ? Health.UNHEALTHY : health, 0, n);
  }
}

package io.github.failoverresolver;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A dry-run drill: if the primary tier died now, where would traffic go, is it ready, and how long would
 * the switch take under the current settings. Immutable.
 *
 * @param target the target that would be chosen, if any
 * @param evidence the chosen endpoint's health, trust and DNS state, one line each
 * @param passiveSwitch how long after a client sees a failed connect traffic moves (the next call)
 * @param activeSwitch the worst case for active checks alone: interval with jitter, times the unhealthy
 *     threshold, plus the timeout
 */
public record DrillPlan(String service, Optional<Target> target, boolean ready, List<String> evidence,
    List<Finding> findings, Duration passiveSwitch, Duration activeSwitch) {
  public DrillPlan {
    evidence = List.copyOf(evidence);
    findings = List.copyOf(findings);
  }

  @Override
  public String toString() {
    return "if tier 0 of '" + service + "' died now: " + target.map(t -> "traffic would go to " + t.endpoint()
        + " (tier " + t.tier() + ")").orElse("NO target would be left") + (ready ? ", ready" : ", NOT ready")
        + "; switch at the next failed call (passive) or within " + activeSwitch.toMillis() + " ms (active checks); "
        + String.join("; ", evidence) + (findings.isEmpty() ? "" : "; findings: " + findings);
  }
}

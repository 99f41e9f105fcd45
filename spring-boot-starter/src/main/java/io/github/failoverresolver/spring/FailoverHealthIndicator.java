package io.github.failoverresolver.spring;

import io.github.failoverresolver.FailoverResolver;
import io.github.failoverresolver.NoEligibleTargetException;
import io.github.failoverresolver.ReadinessReport;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * Actuator health of the resolver: DOWN only when a service has no eligible target at all (its calls would
 * fail); a service on a backup, or without a ready backup, is UP with the readiness report's verdict and
 * reasons in the details, since the application still works. Thread-safe.
 */
public class FailoverHealthIndicator extends AbstractHealthIndicator {
  private final FailoverResolver resolver;

  public FailoverHealthIndicator(FailoverResolver resolver) {
    super("failover-resolver health check failed");
    this.resolver = resolver;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    boolean down = false;
    ReadinessReport report = resolver.readiness();
    Map<String, Object> services = new LinkedHashMap<>();
    for (ReadinessReport.ServiceReport s : report.services()) {
      Map<String, Object> detail = new LinkedHashMap<>();
      try {
        var target = resolver.select(s.name());
        detail.put("target", target.endpoint());
        detail.put("tier", target.tier());
      } catch (NoEligibleTargetException e) {
        down = true;
        detail.put("target", "none");
        detail.put("reasons", e.reasons());
      }
      detail.put("verdict", s.verdict().name());
      if (!s.reasons().isEmpty()) {
        detail.putIfAbsent("reasons", List.copyOf(s.reasons()));
      }
      services.put(s.name(), detail);
    }
    (down ? builder.down() : builder.up()).withDetail("services", services);
  }
}

package io.github.failoverresolver.spring;

import io.github.failoverresolver.DrillPlan;
import io.github.failoverresolver.FailoverResolver;
import io.github.failoverresolver.LiveDrill;
import io.github.failoverresolver.NoEligibleTargetException;
import io.github.failoverresolver.ReadinessReport;
import io.github.failoverresolver.Setting;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.lang.Nullable;

/**
 * The Actuator endpoint {@code failover}: {@code GET /actuator/failover} is the readiness report,
 * {@code GET /actuator/failover/{service}} the service's current target, dry-run drill, independence findings
 * and its last live drill; {@code POST /actuator/failover/{service}} with {@code {"action": ...}} runs an
 * operator command: {@code drill} (live, {@code "duration": "30s"}), {@code pin} ({@code "tier"} or
 * {@code "endpoint"}), {@code unpin}, {@code drain} and {@code undrain} ({@code "endpoint"}).
 *
 * <p>Read-only by default, like Actuator's other endpoints with write operations: the POST commands need
 * {@code management.endpoint.failover.access=unrestricted} (and the endpoint exposed, and secured as the
 * application secures Actuator). Secrets never appear: targets are shown by endpoint name and tier.
 */
@Endpoint(id = "failover", defaultAccess = Access.READ_ONLY)
public class FailoverEndpoint {
  private final FailoverResolver resolver;
  private final Map<String, LiveDrill> drills = new ConcurrentHashMap<>();

  public FailoverEndpoint(FailoverResolver resolver) {
    this.resolver = resolver;
  }

  @ReadOperation
  public ReadinessReport readiness() {
    return resolver.readiness();
  }

  @ReadOperation
  public Map<String, Object> service(@Selector String service) {
    known(service);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("service", service);
    try {
      var t = resolver.select(service);
      out.put("target", Map.of("endpoint", t.endpoint(), "tier", t.tier(), "generation", t.generation()));
    } catch (NoEligibleTargetException e) {
      out.put("target", Map.of("endpoint", "none", "reasons", e.reasons()));
    }
    DrillPlan plan = resolver.drill(service);
    Map<String, Object> drill = new LinkedHashMap<>();
    drill.put("ifPrimaryDiedNow", plan.target().map(t -> t.endpoint() + " (tier " + t.tier() + ")").orElse("none"));
    drill.put("ready", plan.ready());
    drill.put("evidence", plan.evidence());
    drill.put("activeSwitchMillis", plan.activeSwitch().toMillis());
    out.put("drill", drill);
    out.put("independence", resolver.independence(service).stream().map(Object::toString).toList());
    LiveDrill live = drills.get(service);
    if (live != null) {
      out.put("liveDrill", live.report().map(Object::toString).orElse("running"));
    }
    return out;
  }

  @WriteOperation
  public Map<String, Object> command(@Selector String service, String action, @Nullable Integer tier,
      @Nullable String endpoint, @Nullable String duration) {
    known(service);
    try {
      switch (action) {
        case "drill" -> {
          Duration d = duration == null ? Duration.ofSeconds(30) : Setting.parseDuration(duration);
          LiveDrill old = drills.get(service);
          if (old != null && !old.finished()) {
            throw new InvalidEndpointRequestException("a live drill of '" + service + "' is running", "drill running");
          }
          drills.put(service, resolver.startDrill(service, d));
          return Map.of("service", service, "action", "drill", "duration", d.toString());
        }
        case "pin" -> {
          if (endpoint != null) {
            resolver.pinEndpoint(service, endpoint);
          } else if (tier != null) {
            resolver.pin(service, tier);
          } else {
            throw new IllegalArgumentException("pin needs \"tier\" or \"endpoint\"");
          }
        }
        case "unpin" -> resolver.unpin(service);
        case "drain", "undrain" -> {
          if (endpoint == null) {
            throw new IllegalArgumentException(action + " needs \"endpoint\"");
          }
          resolver.drain(service, endpoint, action.equals("drain"));
        }
        default -> throw new IllegalArgumentException("unknown action '" + action
            + "'; known: drill, pin, unpin, drain, undrain");
      }
    } catch (IllegalArgumentException e) {
      throw new InvalidEndpointRequestException(e.getMessage(), e.getMessage());
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("service", service);
    out.put("action", action);
    try {
      out.put("target", resolver.select(service).endpoint());
    } catch (NoEligibleTargetException e) {
      out.put("target", "none");
    }
    return out;
  }

  private void known(String service) {
    if (!resolver.services().contains(service)) {
      throw new InvalidEndpointRequestException("unknown service '" + service + "'; configured: "
          + List.copyOf(resolver.services()), "unknown service");
    }
  }
}

package io.github.failoverresolver;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Every service, endpoint and address of a resolver with its state and the reason for it, as of one
 * moment of the control loop. Immutable; for status pages, logs and the readiness report.
 */
public record ResolverSnapshot(Instant at, List<Service> services) {
  public ResolverSnapshot {
    services = List.copyOf(services);
  }

  public Optional<Service> service(String name) {
    return services.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /**
   * @param activeTier the tier being served, or -1 when none is
   * @param reason why the current choice was made
   */
  public record Service(String name, int activeTier, boolean panic, long generation, String reason,
      Optional<String> pinned, List<Endpoint> endpoints) {
    public Service {
      endpoints = List.copyOf(endpoints);
    }

    public Optional<Endpoint> endpoint(String name) {
      return endpoints.stream().filter(e -> e.name().equals(name)).findFirst();
    }
  }

  /**
   * @param dns what the last DNS lookup of the endpoint's host said
   * @param credential the credential check's verdict (id and fingerprint prefix only), or "none"
   */
  public record Endpoint(String name, int tier, boolean up, boolean drained, String check, String dns,
      String credential, List<Address> addresses) {
    public Endpoint {
      addresses = List.copyOf(addresses);
    }
  }

  /** The health of one address. */
  public enum Health {
    UNKNOWN,
    HEALTHY,
    UNHEALTHY
  }

  /**
   * @param ejectedUntil when outlier ejection ends, if ejected
   * @param lastChecked when its last active check finished (or timed out)
   * @param detail the last check's or report's detail
   * @param tls the TLS trust verdict, when the endpoint has TLS trust checks
   */
  public record Address(String address, Health health, boolean eligible, Optional<Instant> ejectedUntil,
      int ejections, int consecutiveFailures, Optional<Instant> lastChecked, String detail, Optional<Tls> tls) {}

  /** What the TLS trust check found at an address. */
  public record Tls(String verdict, String reason, Optional<String> issuer, Optional<String> leafSha256,
      Optional<Instant> notAfter) {}
}

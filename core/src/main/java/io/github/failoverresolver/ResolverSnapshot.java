package io.github.failoverresolver;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Every service, endpoint and address of a resolver with its state and the reason for it, as of one
 * moment of the control loop. Immutable and typed: reports and tools read its fields (enums, addresses,
 * instants); the {@code String} fields are reasons for people, rendered once, never to be parsed.
 */
public record ResolverSnapshot(Instant at, List<Service> services, Stats stats) {
  public ResolverSnapshot {
    services = List.copyOf(services);
  }

  /**
   * What the resolver's own work costs the backends.
   *
   * @param probesStarted active probes started since build
   * @param probesSkipped probes skipped because the address carried successful traffic (passive-first)
   * @param probesPerSecond probes started per second over the last 10 s
   */
  public record Stats(long probesStarted, long probesSkipped, double probesPerSecond) {}

  public Optional<Service> service(String name) {
    return services.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /**
   * @param activeTier the tier being served, or -1 when none is
   * @param reason why the current choice was made
   * @param pinned the operator's pin, as "tier N" or "endpoint NAME"
   */
  public record Service(String name, int activeTier, boolean panic, long generation, String reason,
      Optional<String> pinned, List<Endpoint> endpoints) {
    public Service {
      endpoints = List.copyOf(endpoints);
    }

    public Optional<Endpoint> endpoint(String name) {
      return endpoints.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    /** The lowest configured tier. */
    public int primaryTier() {
      return endpoints.stream().mapToInt(Endpoint::tier).min().orElse(0);
    }
  }

  /**
   * @param up it has at least one eligible address
   * @param drilled a live drill has taken it out
   * @param check the active check, for people ("none (passive only)" without one)
   * @param credential the credential verdict, when the endpoint has a credential source
   * @param openAccess when its access check found access not enforced, why (it accepts unauthenticated
   *     requests); empty when enforced or not checked
   */
  public record Endpoint(String name, int tier, String host, int port, boolean up, boolean drained, boolean drilled,
      String check, Dns dns, Optional<Credential> credential, List<Address> addresses, Optional<String> openAccess) {
    public Endpoint {
      addresses = List.copyOf(addresses);
    }

    public Endpoint(String name, int tier, String host, int port, boolean up, boolean drained, boolean drilled,
        String check, Dns dns, Optional<Credential> credential, List<Address> addresses) {
      this(name, tier, host, port, up, drained, drilled, check, dns, credential, addresses, Optional.empty());
    }

    /** The first certificate verdict among its addresses (they usually share one certificate). */
    public Optional<Tls> tls() {
      return addresses.stream().map(Address::tls).flatMap(Optional::stream).findFirst();
    }
  }

  /** Where an endpoint's addresses come from now. */
  public enum DnsStatus {
    /** No answer yet. */
    NOT_RESOLVED,
    /** The host is an IP literal: no DNS. */
    IP_LITERAL,
    /** A fresh answer. */
    RESOLVED,
    /** An expired answer served because no provider answered (RFC 8767). */
    STALE,
    /** No answer now; the last addresses are kept until {@link Dns#keptUntil()}. */
    KEPT,
    /** No answer and nothing to keep. */
    FAILED
  }

  /**
   * @param provider the DNS provider that answered, if one did
   * @param keptUntil with KEPT: until when the last answer is kept
   * @param detail what DNS said, for people
   * @param servedTtl the TTL the servers gave the endpoint name's addresses (before clamping), when resolved
   */
  public record Dns(DnsStatus status, Optional<String> provider, Optional<Instant> keptUntil, String detail,
      Optional<java.time.Duration> servedTtl) {
    public Dns(DnsStatus status, Optional<String> provider, Optional<Instant> keptUntil, String detail) {
      this(status, provider, keptUntil, detail, Optional.empty());
    }

    /** Whether the endpoint has had an answer (or needs none). */
    public boolean resolved() {
      return status != DnsStatus.NOT_RESOLVED;
    }

    @Override
    public String toString() {
      return detail;
    }
  }

  /** The health of one address. */
  public enum Health {
    UNKNOWN,
    HEALTHY,
    UNHEALTHY
  }

  /** A trust check's verdict. UNKNOWN: not checked (or not checkable) yet; WARN: trusted, but expiring soon. */
  public enum TrustStatus {
    UNKNOWN,
    TRUSTED,
    WARN,
    BLOCKED;

    public boolean trusted() {
      return this == TRUSTED || this == WARN;
    }
  }

  /**
   * The verdict on an endpoint's secret. Never holds the secret: only its id and a fingerprint prefix.
   *
   * @param id the credential's id, once loaded (empty before, or when the source failed)
   * @param shared its secret equals that of an endpoint in a better tier
   * @param sharedBlocked a shared secret blocks it (the service's {@code blockSharedCredentials})
   */
  public record Credential(Optional<String> id, Optional<String> fingerprintPrefix, TrustStatus status, String reason,
      Optional<Instant> expiresAt, boolean shared, boolean sharedBlocked) {
    @Override
    public String toString() {
      return id.map(i -> i + fingerprintPrefix.map(f -> " (" + f + "...)").orElse("")).orElse("credential") + ": "
          + status + ", " + reason + (shared ? "; SHARED with a better tier" + (sharedBlocked ? " (blocked)" : "") : "");
    }
  }

  /**
   * @param eligible it is handed out (healthy, trusted, not ejected, drained or drilled)
   * @param whyNot why it is not eligible, for people
   * @param ejectedUntil when outlier ejection ends, if ejected
   * @param consecutiveFailures active checks failed in a row
   * @param passiveFailures failures reported by clients since the last success (connect failures and
   *     error answers), counted toward ejection
   * @param lastChecked when its last active check finished (or timed out)
   * @param detail the last check's or report's detail
   * @param tls the TLS trust verdict, when the endpoint has TLS trust checks
   * @param retiring DNS no longer names it; it serves until its replacements have their first verdict
   */
  public record Address(InetSocketAddress address, Health health, boolean eligible, Optional<String> whyNot,
      Optional<Instant> ejectedUntil, int ejections, int consecutiveFailures, int passiveFailures,
      Optional<Instant> lastChecked, String detail, Optional<Tls> tls, boolean retiring) {

    /** {@code ip:port} ({@code [ip]:port} for IPv6), as events name addresses. */
    public String label() {
      return label(address);
    }

    public static String label(InetSocketAddress a) {
      String host = a.getAddress().getHostAddress();
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }
  }

  /**
   * What the TLS trust check found at an address.
   *
   * @param inspected a trust round has tried it (UNKNOWN then means the certificate could not be fetched)
   */
  public record Tls(boolean inspected, TrustStatus status, String reason, Optional<String> issuer,
      Optional<String> leafSha256, Optional<Instant> notAfter) {}
}

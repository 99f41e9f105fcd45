package io.github.failoverresolver.internal.policy;

import io.github.failoverresolver.ResolverSnapshot.Health;
import io.github.failoverresolver.ResolverSnapshot.TrustStatus;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * What is known of one address at one moment: its health, its outlier ejection, its certificate's
 * verdict. Immutable.
 *
 * @param ejectedUntil when an outlier ejection ends (0 or a past time: not ejected)
 * @param tls the certificate verdict (UNKNOWN until inspected; ignored when the endpoint judges no TLS)
 * @param detail the last check's or report's detail, shown as the reason an unhealthy address is out
 * @param retiring DNS no longer names it; it serves only until its replacements have their first verdict
 * @param passiveFailureAt when a client last reported a failure on it ({@code Long.MIN_VALUE}: never)
 * @param passiveFailure that failure's cause
 */
public record AddressFacts(InetSocketAddress address, Health health, long ejectedUntil, TrustStatus tls,
    String tlsReason, Optional<String> leafSha256, Optional<String> issuer, String detail, int consecutiveFailures,
    boolean retiring, long passiveFailureAt, String passiveFailure) {

  public AddressFacts {
    Objects.requireNonNull(passiveFailure, "passiveFailure");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(tls, "tls");
  }

  /** A healthy address with no TLS verdict, for tests and simple views. */
  public static AddressFacts healthy(InetSocketAddress address) {
    return new AddressFacts(address, Health.HEALTHY, 0, TrustStatus.UNKNOWN, "", Optional.empty(), Optional.empty(),
        "ok", 0, false, Long.MIN_VALUE, "");
  }

  public boolean ejected(long now) {
    return now < ejectedUntil;
  }

  public AddressFacts withHealth(Health h, String why) {
    return new AddressFacts(address, h, ejectedUntil, tls, tlsReason, leafSha256, issuer, why, consecutiveFailures,
        retiring, passiveFailureAt, passiveFailure);
  }

  public AddressFacts withEjectedUntil(long until) {
    return new AddressFacts(address, health, until, tls, tlsReason, leafSha256, issuer, detail, consecutiveFailures,
        retiring, passiveFailureAt, passiveFailure);
  }
}

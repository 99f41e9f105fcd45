package io.github.failoverresolver.internal.policy;

import io.github.failoverresolver.ResolverSnapshot.Health;
import io.github.failoverresolver.ResolverSnapshot.TrustStatus;
import java.util.List;
import java.util.Optional;

/**
 * The one rule for eligibility: an address is eligible when nothing in {@link #whyNot} applies. Pure.
 */
public final class Eligibility {
  private Eligibility() {}

  /**
   * Why {@code address} of {@code endpoint} is not eligible, checked in this order: drained, drilled, not
   * independent, untrusted, ejected, unhealthy, not checked yet; empty when it is eligible.
   *
   * @param notIndependent the endpoint's independence verdict ({@link #notIndependent}), computed once per view
   */
  public static Optional<Ineligibility> whyNot(EndpointFacts endpoint, AddressFacts address,
      Optional<Ineligibility.NotIndependent> notIndependent, PolicySettings settings, long now) {
    if (endpoint.drained()) {
      return Optional.of(new Ineligibility.Drained());
    }
    if (endpoint.drilled()) {
      return Optional.of(new Ineligibility.Drilled());
    }
    if (notIndependent.isPresent()) {
      return Optional.of(notIndependent.get());
    }
    Optional<Ineligibility.Untrusted> untrusted = untrusted(endpoint, address, settings);
    if (untrusted.isPresent()) {
      return Optional.of(untrusted.get());
    }
    if (address.ejected(now)) {
      return Optional.of(new Ineligibility.Ejected(address.ejectedUntil(), address.detail()));
    }
    return switch (address.health()) {
      case HEALTHY -> Optional.empty();
      case UNKNOWN -> Optional.of(new Ineligibility.NotCheckedYet());
      case UNHEALTHY -> Optional.of(new Ineligibility.Unhealthy(address.detail()));
    };
  }

  /** Why the address cannot be trusted (credential, shared credential, certificate); panic never relaxes this. */
  public static Optional<Ineligibility.Untrusted> untrusted(EndpointFacts endpoint, AddressFacts address,
      PolicySettings settings) {
    if (endpoint.openAccess().isPresent()) {
      return Optional.of(new Ineligibility.Untrusted(Ineligibility.Untrusted.Cause.ACCESS, endpoint.openAccess().get()));
    }
    if (endpoint.credential().isPresent()) {
      CredentialFacts c = endpoint.credential().get();
      if (!trusted(c.status())) {
        return Optional.of(new Ineligibility.Untrusted(Ineligibility.Untrusted.Cause.CREDENTIAL, c.reason()));
      }
      if (c.shared() && settings.blockSharedCredentials()) {
        return Optional.of(new Ineligibility.Untrusted(Ineligibility.Untrusted.Cause.SHARED_CREDENTIAL, c.id()));
      }
    }
    if (endpoint.tlsJudged() && !trusted(address.tls())) {
      return Optional.of(new Ineligibility.Untrusted(Ineligibility.Untrusted.Cause.CERTIFICATE, address.tlsReason()));
    }
    return Optional.empty();
  }

  public static boolean trusted(TrustStatus status) {
    return status == TrustStatus.TRUSTED || status == TrustStatus.WARN;
  }

  /**
   * With {@code requireIndependence}: the first blocking fault domain {@code backup} shares with an endpoint of
   * the primary tier. Never for the primary tier itself.
   */
  public static Optional<Ineligibility.NotIndependent> notIndependent(ServiceView view, EndpointFacts backup,
      PolicySettings settings) {
    if (!settings.requireIndependence() || backup.tier() == view.primaryTier()) {
      return Optional.empty();
    }
    FaultDomains.Facts b = FaultDomains.Facts.of(backup);
    for (EndpointFacts p : view.endpoints()) {
      if (p.tier() != view.primaryTier()) {
        continue;
      }
      for (FaultDomains.Shared s : FaultDomains.compare(FaultDomains.Facts.of(p), b)) {
        if (s.kind().blocks()) {
          return Optional.of(new Ineligibility.NotIndependent(p.name(), s.kind(), s.values()));
        }
      }
    }
    return Optional.empty();
  }

  /** Whether the address has had its first verdicts (health, and certificate when judged). */
  public static boolean hasFirstVerdict(EndpointFacts endpoint, AddressFacts address) {
    return address.health() != Health.UNKNOWN && (!endpoint.tlsJudged() || address.tls() != TrustStatus.UNKNOWN);
  }

  /** The eligible addresses of {@code endpoint}, in its order. */
  public static List<java.net.InetSocketAddress> eligible(EndpointFacts endpoint,
      Optional<Ineligibility.NotIndependent> notIndependent, PolicySettings settings, long now) {
    return endpoint.addresses().stream()
        .filter(a -> whyNot(endpoint, a, notIndependent, settings, now).isEmpty())
        .map(AddressFacts::address).toList();
  }
}

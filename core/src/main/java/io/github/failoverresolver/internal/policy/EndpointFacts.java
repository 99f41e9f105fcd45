package io.github.failoverresolver.internal.policy;

import java.util.List;
import java.util.Optional;

/**
 * What is known of one endpoint at one moment. Immutable.
 *
 * @param tlsJudged whether the endpoint's certificates are judged (then an UNKNOWN verdict is not trusted)
 * @param credential the verdict on its secret, when it has one configured
 * @param dns what DNS said, for the reason an endpoint has no address
 */
public record EndpointFacts(String name, int tier, boolean drained, boolean drilled, boolean tlsJudged,
    Optional<CredentialFacts> credential, String dns, List<AddressFacts> addresses, Optional<String> openAccess) {

  /** With no access check failing. */
  public EndpointFacts(String name, int tier, boolean drained, boolean drilled, boolean tlsJudged,
      Optional<CredentialFacts> credential, String dns, List<AddressFacts> addresses) {
    this(name, tier, drained, drilled, tlsJudged, credential, dns, addresses, Optional.empty());
  }

  public EndpointFacts {
    addresses = List.copyOf(addresses);
  }

  public EndpointFacts drilled(boolean out) {
    return new EndpointFacts(name, tier, drained, out, tlsJudged, credential, dns, addresses, openAccess);
  }
}

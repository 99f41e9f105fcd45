package io.github.failoverresolver.internal.policy;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * One endpoint as a decision judged it: its eligible addresses, and why each other one is out. Immutable.
 *
 * @param whyNot why the endpoint as a whole is out (drained, drilled, no addresses), if it is
 */
public record EndpointVerdict(EndpointFacts endpoint, List<InetSocketAddress> eligible,
    Optional<Ineligibility> whyNot, List<AddressVerdict> addresses) {

  public EndpointVerdict {
    eligible = List.copyOf(eligible);
    addresses = List.copyOf(addresses);
  }

  /** One address and why it is out (empty when eligible). */
  public record AddressVerdict(AddressFacts address, Optional<Ineligibility> whyNot) {}
}

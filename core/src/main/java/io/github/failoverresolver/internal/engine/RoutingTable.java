package io.github.failoverresolver.internal.engine;

import io.github.failoverresolver.Target;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;

/**
 * What the data plane reads for one service: the targets in preference order and, for each host name of
 * the service's endpoints, the addresses to hand out, all from one decision, so that {@code select} and
 * {@code resolve} never disagree. Immutable; swapped whole through a volatile field.
 */
final class RoutingTable {
  static final RoutingTable EMPTY = new RoutingTable(List.of(), List.of("not resolved or checked yet"), 0, Map.of());

  /**
   * The addresses of one host name, and why there are none.
   *
   * @param whyNot empty when there are addresses
   */
  record HostAddresses(List<InetAddress> addresses, String whyNot, java.util.Optional<List<InetAddress>> present) {
    HostAddresses(List<InetAddress> addresses, String whyNot) {
      this(List.copyOf(addresses), whyNot, java.util.Optional.of(List.copyOf(addresses)));
    }
  }

  final List<Target> targets;
  final Target first;
  final List<String> reasons;
  final long generation;
  final Map<String, HostAddresses> hosts;

  RoutingTable(List<Target> targets, List<String> reasons, long generation, Map<String, HostAddresses> hosts) {
    this.targets = List.copyOf(targets);
    this.first = targets.isEmpty() ? null : targets.get(0);
    this.reasons = List.copyOf(reasons);
    this.generation = generation;
    this.hosts = Map.copyOf(hosts);
  }
}

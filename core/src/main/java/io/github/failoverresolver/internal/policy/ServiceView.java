package io.github.failoverresolver.internal.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The immutable facts of one service that {@link FailoverPolicy#decide} reads: its endpoints sorted by
 * tier, each with its addresses.
 */
public record ServiceView(String service, List<EndpointFacts> endpoints) {

  public ServiceView {
    List<EndpointFacts> sorted = new ArrayList<>(endpoints);
    sorted.sort(java.util.Comparator.comparingInt(EndpointFacts::tier)); // stable: configured order within a tier
    endpoints = List.copyOf(sorted);
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("service '" + service + "' has no endpoints");
    }
  }

  /** The configured tiers, best first. */
  public List<Integer> tiers() {
    return List.copyOf(new TreeSet<>(endpoints.stream().map(EndpointFacts::tier).toList()));
  }

  /** The primary tier: the lowest configured. */
  public int primaryTier() {
    return endpoints.get(0).tier();
  }

  /** The same view with every endpoint of {@code tier} taken out, as a live drill takes it out. */
  public ServiceView withTierOut(int tier) {
    return new ServiceView(service, endpoints.stream().map(e -> e.tier() == tier ? e.drilled(true) : e).toList());
  }
}

package io.github.failoverresolver.internal.engine;

import io.github.failoverresolver.internal.policy.AddressFacts;
import io.github.failoverresolver.internal.policy.Eligibility;
import io.github.failoverresolver.internal.policy.EndpointFacts;
import io.github.failoverresolver.internal.policy.Ineligibility;
import io.github.failoverresolver.internal.policy.ServiceView;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Make before break: an address that DNS stopped naming keeps serving while it is eligible and a
 * replacement of its endpoint still waits for its first verdict; it goes as soon as every replacement has
 * one, or as soon as it fails on its own evidence.
 */
final class Retirement {
  private Retirement() {}

  /** The endpoint's addresses that the last published decision handed out. */
  static Set<InetSocketAddress> eligibleNow(EndpointState ep) {
    ServiceState s = ep.service;
    if (s.last == null) {
      return Set.of();
    }
    for (var v : s.last.endpoints()) { // by name: an SRV change may have laid the endpoints out anew since
      if (v.endpoint().name().equals(ep.cfg.name())) {
        return new HashSet<>(v.eligible());
      }
    }
    return Set.of();
  }

  /** Removes the retiring addresses of {@code s} that are no longer needed or no longer eligible. */
  static void prune(ServiceState s, long now, Inputs inputs) {
    if (s.endpoints.stream().noneMatch(e -> e.addresses.values().stream().anyMatch(a -> a.retiring))) {
      return;
    }
    ServiceView view = s.view();
    for (int i = 0; i < s.endpoints.size(); i++) {
      EndpointState ep = s.endpoints.get(i);
      EndpointFacts facts = view.endpoints().get(i);
      boolean waiting = facts.addresses().stream().anyMatch(a -> !a.retiring() && !Eligibility.hasFirstVerdict(facts, a));
      Optional<Ineligibility.NotIndependent> independence = Eligibility.notIndependent(view, facts, s.policy);
      List<AddressState> gone = new ArrayList<>();
      for (AddressFacts a : facts.addresses()) {
        if (a.retiring() && (!waiting
            || Eligibility.whyNot(facts, a, independence, s.policy, now).isPresent())) {
          gone.add(ep.addresses.get(a.address()));
        }
      }
      gone.forEach(a -> inputs.retire(ep, a));
    }
  }
}

package io.github.failoverresolver.internal.engine;

import io.github.failoverresolver.CredentialHandle;
import io.github.failoverresolver.ResolverSnapshot;
import io.github.failoverresolver.internal.dns.EndpointDns;
import io.github.failoverresolver.internal.policy.AddressFacts;
import io.github.failoverresolver.internal.policy.CredentialFacts;
import io.github.failoverresolver.internal.policy.EndpointFacts;
import io.github.failoverresolver.internal.trust.TrustRounds;
import io.github.failoverresolver.internal.trust.Verdict;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/** One endpoint of a service; mutable, owned by the control loop. */
final class EndpointState {
  final EndpointConfig cfg;
  final ServiceState service;
  final LinkedHashMap<InetSocketAddress, AddressState> addresses = new LinkedHashMap<>();
  final EndpointDns.Slot dnsSlot = new EndpointDns.Slot();
  final TrustRounds.Slot trustSlot = new TrustRounds.Slot();
  // volatile: written on the loop, read by snapshots on any thread (immutable values)
  volatile boolean drained;
  volatile boolean drilled;
  volatile ResolverSnapshot.Dns dns = new ResolverSnapshot.Dns(ResolverSnapshot.DnsStatus.NOT_RESOLVED, Optional.empty(),
      Optional.empty(), "not resolved yet");
  long keepUntil;
  volatile Verdict credential = Verdict.unknown("not loaded yet");
  /** Written on the loop, read by any thread ({@link ControlLoop#endpointAt}). */
  volatile Optional<CredentialHandle> handle = Optional.empty();
  Optional<String> fingerprint = Optional.empty();
  volatile boolean shared;
  /** Why the endpoint's access check found access not enforced (empty: enforced, or not checked). */
  volatile Optional<String> openAccess = Optional.empty();

  EndpointState(EndpointConfig cfg, ServiceState service) {
    this.cfg = cfg;
    this.service = service;
  }

  EndpointFacts facts() {
    List<AddressFacts> list = new ArrayList<>(addresses.size());
    for (AddressState a : addresses.values()) {
      list.add(a.facts());
    }
    Optional<CredentialFacts> cred = cfg.credential().map(c -> new CredentialFacts(credential.status(),
        credential.reason(), handle.map(CredentialHandle::id).orElse(""), shared));
    return new EndpointFacts(cfg.name(), cfg.tier(), drained, drilled, cfg.tls().isPresent(), cred, dns.detail(), list,
        openAccess);
  }
}

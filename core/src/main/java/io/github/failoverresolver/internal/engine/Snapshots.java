package io.github.failoverresolver.internal.engine;

import io.github.failoverresolver.CredentialHandle;
import io.github.failoverresolver.ResolverSnapshot;
import io.github.failoverresolver.internal.health.CheckScheduler;
import io.github.failoverresolver.internal.policy.EndpointVerdict;
import io.github.failoverresolver.internal.trust.TlsInspector;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Builds the typed snapshot from what each service's last decision published ({@link ServiceState.Published}):
 * any thread, no control-loop work. Fields the loop changes without a decision (a check's detail and time, DNS
 * notes, credential verdicts) are volatile and read as they are now.
 */
final class Snapshots {
  private Snapshots() {}

  static ResolverSnapshot of(Collection<ServiceState> services, long now, CheckScheduler checks) {
    List<ResolverSnapshot.Service> out = new ArrayList<>();
    for (ServiceState s : services) {
      ServiceState.Published p = s.published;
      List<ResolverSnapshot.Endpoint> eps = new ArrayList<>();
      for (int i = 0; i < p.endpoints().length; i++) {
        EndpointState ep = p.endpoints()[i];
        EndpointVerdict v = p.decision() == null ? null : p.decision().endpoints().get(i);
        java.util.Map<java.net.InetSocketAddress, Optional<String>> why = new java.util.HashMap<>();
        if (v != null) {
          v.addresses().forEach(x -> why.put(x.address().address(), x.whyNot().map(Texts::whyNot)));
        }
        List<ResolverSnapshot.Address> addrs = new ArrayList<>();
        for (AddressState a : p.addresses()[i]) {
          Optional<String> whyNot = why.getOrDefault(a.address, Optional.of("not decided yet"));
          addrs.add(new ResolverSnapshot.Address(a.address, a.health.health(), whyNot.isEmpty(), whyNot,
              a.ejection.ejected(now) ? Optional.of(Instant.ofEpochMilli(a.ejection.until())) : Optional.empty(),
              a.ejection.ejections(), a.health.consecutiveFail(),
              a.ejection.failures() + a.ejection.connectFailures(),
              a.lastChecked == Long.MIN_VALUE ? Optional.empty() : Optional.of(Instant.ofEpochMilli(a.lastChecked)),
              a.detail, ep.cfg.tls().isEmpty() ? Optional.empty() : Optional.of(tls(a.tls, a.tls != AddressState.NOT_INSPECTED)),
              a.retiring));
        }
        eps.add(new ResolverSnapshot.Endpoint(ep.cfg.name(), ep.cfg.tier(), ep.cfg.host(), ep.cfg.port(),
            v != null && !v.eligible().isEmpty(), ep.drained, ep.drilled,
            ep.cfg.check().map(Object::toString).orElse("none (passive only)"), ep.dns, credential(ep), addrs,
            ep.openAccess));
      }
      Optional<String> pin = p.memory().pinnedEndpoint().map(e -> "endpoint " + e)
          .or(() -> p.memory().pinnedTier().map(t -> "tier " + t));
      out.add(new ResolverSnapshot.Service(s.cfg.name(), p.memory().activeTier(), p.memory().panic(), p.generation(),
          p.reason(), pin, eps));
    }
    return new ResolverSnapshot(Instant.ofEpochMilli(now), out, new ResolverSnapshot.Stats(checks.probesStarted(),
        checks.probesSkipped(), checks.probesPerSecond(now)));
  }

  private static ResolverSnapshot.Tls tls(TlsInspector.CertVerdict c, boolean inspected) {
    return new ResolverSnapshot.Tls(inspected, c.verdict().status(), c.verdict().reason(), c.issuer(), c.leafSha256(),
        c.notAfter());
  }

  private static Optional<ResolverSnapshot.Credential> credential(EndpointState ep) {
    if (ep.cfg.credential().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new ResolverSnapshot.Credential(ep.handle.map(CredentialHandle::id),
        ep.handle.map(CredentialHandle::fingerprint), ep.credential.status(), ep.credential.reason(),
        ep.credential.expiresAt(), ep.shared, ep.service.cfg.blockSharedCredentials()));
  }
}

package io.github.failoverresolver.internal.report;

import io.github.failoverresolver.DnsCache;
import io.github.failoverresolver.DrillPlan;
import io.github.failoverresolver.Finding;
import io.github.failoverresolver.ResolverSnapshot;
import io.github.failoverresolver.Target;
import io.github.failoverresolver.internal.engine.EndpointConfig;
import io.github.failoverresolver.internal.engine.ServiceConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The dry-run drill's report: the target the policy itself chose with the primary tier taken out (see
 * {@code ControlLoop.drillTarget}), with that endpoint's evidence from the typed snapshot.
 */
public final class Drills {
  private Drills() {}

  public static DrillPlan plan(ServiceConfig cfg, Optional<Target> next, ResolverSnapshot.Service snap, DnsCache dns) {
    List<String> evidence = new ArrayList<>();
    next.flatMap(t -> snap.endpoint(t.endpoint())).ifPresent(e -> {
      long eligible = e.addresses().stream().filter(ResolverSnapshot.Address::eligible).count();
      evidence.add("health: " + eligible + "/" + e.addresses().size() + " addresses eligible (" + e.check() + ")");
      e.credential().ifPresent(c -> evidence.add("credential: " + c));
      e.tls().ifPresent(tls -> evidence.add("certificate: " + tls.status() + ", " + tls.reason()));
      evidence.add("dns: " + e.dns().detail());
    });
    int primary = snap.primaryTier();
    if (next.isEmpty()) {
      evidence.add("no endpoint outside tier " + primary + " would be eligible");
    }
    List<Finding> findings = Independence.findings(snap, dns).stream()
        .filter(f -> next.map(t -> f.backupEndpoint().equals(t.endpoint())).orElse(false)).toList();
    Duration active = Duration.ZERO;
    for (EndpointConfig e : cfg.endpoints()) {
      if (e.tier() == primary && e.check().isPresent()) {
        Duration one = Duration.ofMillis((long) (e.interval().toMillis() * (1 + e.jitter())))
            .multipliedBy(e.unhealthyThreshold()).plus(e.timeout());
        active = one.compareTo(active) > 0 ? one : active;
      }
    }
    boolean ready = next.isPresent() && !next.get().panic()
        && findings.stream().noneMatch(f -> f.severity() == Finding.Severity.CRITICAL);
    return new DrillPlan(cfg.name(), next, ready, evidence, findings, Duration.ZERO, active);
  }
}

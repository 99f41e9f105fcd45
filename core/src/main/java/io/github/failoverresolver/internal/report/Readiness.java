package io.github.failoverresolver.internal.report;

import io.github.failoverresolver.DnsCache;
import io.github.failoverresolver.Finding;
import io.github.failoverresolver.ReadinessReport;
import io.github.failoverresolver.ResolverSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Builds the readiness report from the typed snapshot's fields; text is rendered here, never read back. */
public final class Readiness {
  private Readiness() {}

  /** @param ttlWarnAbove per service, the served TTL of an endpoint name above which readiness warns */
  public static ReadinessReport of(ResolverSnapshot snap, DnsCache dns,
      java.util.function.Function<String, Duration> ttlWarnAbove) {
    List<ReadinessReport.ServiceReport> out = new ArrayList<>();
    for (ResolverSnapshot.Service s : snap.services()) {
      List<Finding> findings = new ArrayList<>(Independence.findings(s, dns));
      findings.addAll(ttlFindings(s, ttlWarnAbove.apply(s.name())));
      findings.addAll(accessFindings(s));
      List<String> reasons = new ArrayList<>();
      ReadinessReport.Verdict verdict = ReadinessReport.Verdict.READY;
      int primary = s.primaryTier();
      if (s.activeTier() < 0 || s.panic()) {
        verdict = ReadinessReport.Verdict.NOT_READY;
        reasons.add(s.panic() ? "panic mode: no eligible address anywhere" : "no eligible target: " + s.reason());
      } else {
        if (s.activeTier() != primary) {
          verdict = ReadinessReport.Verdict.DEGRADED;
          reasons.add("serving from backup tier " + s.activeTier() + ": " + s.reason());
        }
        boolean hasBackups = s.endpoints().stream().anyMatch(e -> e.tier() != primary);
        boolean backupUp = s.endpoints().stream().anyMatch(e -> e.tier() != primary && e.up());
        if (hasBackups && !backupUp) {
          verdict = ReadinessReport.Verdict.DEGRADED;
          reasons.add("no backup endpoint is eligible: a primary failure would leave nothing");
        }
        if (findings.stream().anyMatch(f -> f.severity() == Finding.Severity.CRITICAL
            && !f.kind().equals("accepts-unauthenticated"))) {
          verdict = ReadinessReport.Verdict.DEGRADED;
          reasons.add("a backup shares a critical fault domain with the primary (see independence)");
        }
        for (ResolverSnapshot.Endpoint e : s.endpoints()) {
          if (e.openAccess().isPresent()) {
            verdict = ReadinessReport.Verdict.DEGRADED;
            reasons.add(e.name() + " accepts unauthenticated requests: never handed out");
          }
        }
      }
      List<ReadinessReport.EndpointReport> eps = new ArrayList<>();
      for (ResolverSnapshot.Endpoint e : s.endpoints()) {
        eps.add(new ReadinessReport.EndpointReport(e.name(), e.tier(), e.up(), e.dns().detail(), health(e),
            e.credential().map(Object::toString).orElse("none"), certificate(e, snap)));
      }
      out.add(new ReadinessReport.ServiceReport(s.name(), verdict, reasons, s.activeTier(), eps, findings));
    }
    return new ReadinessReport(snap.at(), out);
  }

  /** Endpoints whose access check found access not enforced: critical, in readiness and independence alike. */
  public static List<Finding> accessFindings(ResolverSnapshot.Service s) {
    List<Finding> out = new ArrayList<>();
    for (ResolverSnapshot.Endpoint e : s.endpoints()) {
      e.openAccess().ifPresent(why -> out.add(new Finding(s.name(), e.name(), e.name(), e.tier(),
          Finding.Severity.CRITICAL, "accepts-unauthenticated", e.name() + " " + why
              + ": it is never handed out (a backup that lets anyone in is no backup)")));
    }
    return out;
  }

  /**
   * TTL audit: an endpoint name served with a TTL above the bound pins every other client of that record (the
   * JVM's, the OS's and resolvers' caches) to a dead address that long. A warning: the verdict stays.
   */
  static List<Finding> ttlFindings(ResolverSnapshot.Service s, Duration bound) {
    List<Finding> out = new ArrayList<>();
    for (ResolverSnapshot.Endpoint e : s.endpoints()) {
      e.dns().servedTtl().filter(ttl -> !bound.isZero() && ttl.compareTo(bound) > 0).ifPresent(ttl -> out.add(
          new Finding(s.name(), e.name(), e.name(), e.tier(), Finding.Severity.WARNING, "long-ttl", e.host()
              + " is served with a TTL of " + ttl.toSeconds() + " s, above " + bound.toSeconds() + " s: clients"
              + " that cache it (other services, the JVM, the OS) stay on a dead address that long")));
    }
    return out;
  }

  /** How many addresses are eligible, and the first reason one is not. */
  static String health(ResolverSnapshot.Endpoint e) {
    long eligible = e.addresses().stream().filter(ResolverSnapshot.Address::eligible).count();
    String why = e.addresses().stream().filter(a -> !a.eligible()).findFirst()
        .map(a -> ": " + a.label() + " " + a.whyNot().orElse(a.detail())).orElse("");
    return eligible + "/" + e.addresses().size() + " eligible" + (e.drained() ? " (drained)" : "") + why;
  }

  /** The certificate verdict with days left, or "none". */
  static String certificate(ResolverSnapshot.Endpoint e, ResolverSnapshot snap) {
    return e.tls().map(t -> t.status() + ", " + t.notAfter().map(n -> Duration.between(snap.at(), n).toDays()
        + " days left").orElse("") + ", " + t.reason()).orElse("none");
  }
}

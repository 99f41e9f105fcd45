package io.github.failoverresolver;

import io.github.failoverresolver.internal.report.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Is every service ready to fail over? Per service and endpoint: DNS answers and their source and
 * staleness, health, credential and certificate status, independence findings, and a verdict. As a text
 * table ({@link #toText()}) and as JSON ({@link #toJson()}). Immutable.
 */
public record ReadinessReport(Instant at, List<ServiceReport> services) {

  public enum Verdict {
    /** Serving from the primary tier, with an eligible, independent backup (if any backup is configured). */
    READY,
    /** Serving, but a backup is missing, not eligible or not independent, or traffic is on a backup. */
    DEGRADED,
    /** No eligible target (or only panic mode's). */
    NOT_READY
  }

  public ReadinessReport {
    services = List.copyOf(services);
  }

  public boolean ready() {
    return services.stream().allMatch(s -> s.verdict() == Verdict.READY);
  }

  public record ServiceReport(String name, Verdict verdict, List<String> reasons, int activeTier,
      List<EndpointReport> endpoints, List<Finding> findings) {
    public ServiceReport {
      reasons = List.copyOf(reasons);
      endpoints = List.copyOf(endpoints);
      findings = List.copyOf(findings);
    }
  }

  /**
   * @param health how many addresses are eligible, and the first reason one is not
   * @param credential the credential verdict (id and fingerprint prefix only)
   * @param certificate the certificate verdict with days left, or "none"
   */
  public record EndpointReport(String name, int tier, boolean up, String dns, String health, String credential,
      String certificate) {}

  public String toText() {
    StringBuilder sb = new StringBuilder();
    sb.append("Readiness report at ").append(at).append('\n');
    for (ServiceReport s : services) {
      sb.append('\n').append("service ").append(s.name()).append(": ").append(s.verdict())
          .append(s.activeTier() >= 0 ? " (serving tier " + s.activeTier() + ")" : "").append('\n');
      for (String r : s.reasons()) {
        sb.append("  - ").append(r).append('\n');
      }
      String fmt = "  %-4s %-32s %-4s %s%n";
      sb.append(String.format(fmt, "tier", "endpoint", "up", "dns"));
      for (EndpointReport e : s.endpoints()) {
        sb.append(String.format(fmt, e.tier(), e.name(), e.up() ? "yes" : "NO", e.dns()));
        sb.append(String.format("  %-4s %-28s      health: %s%n", "", "", e.health()));
        sb.append(String.format("  %-4s %-28s      credential: %s%n", "", "", e.credential()));
        sb.append(String.format("  %-4s %-28s      certificate: %s%n", "", "", e.certificate()));
      }
      if (s.findings().isEmpty()) {
        sb.append("  independence: no shared fault domain found\n");
      }
      for (Finding f : s.findings()) {
        sb.append(f.kind().equals("long-ttl") ? "  dns ttl " : f.kind().equals("accepts-unauthenticated") ? "  access "
            : "  independence ").append(f.severity()).append(": ")
            .append(f.sentence()).append('\n');
      }
    }
    sb.append('\n').append(ready() ? "VERDICT: READY" : "VERDICT: NOT READY").append('\n');
    return sb.toString();
  }

  public String toJson() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("at", at.toString());
    root.put("ready", ready());
    List<Object> list = new ArrayList<>();
    for (ServiceReport s : services) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", s.name());
      m.put("verdict", s.verdict().name());
      m.put("activeTier", s.activeTier());
      m.put("reasons", s.reasons());
      List<Object> eps = new ArrayList<>();
      for (EndpointReport e : s.endpoints()) {
        Map<String, Object> em = new LinkedHashMap<>();
        em.put("name", e.name());
        em.put("tier", e.tier());
        em.put("up", e.up());
        em.put("dns", e.dns());
        em.put("health", e.health());
        em.put("credential", e.credential());
        em.put("certificate", e.certificate());
        eps.add(em);
      }
      m.put("endpoints", eps);
      List<Object> fs = new ArrayList<>();
      for (Finding f : s.findings()) {
        Map<String, Object> fm = new LinkedHashMap<>();
        fm.put("severity", f.severity().name());
        fm.put("kind", f.kind());
        fm.put("primary", f.primaryEndpoint());
        fm.put("backup", f.backupEndpoint());
        fm.put("sentence", f.sentence());
        fs.add(fm);
      }
      m.put("findings", fs);
      list.add(m);
    }
    root.put("services", list);
    return Json.write(root);
  }
}

package io.github.failoverresolver.internal.engine;

import io.github.failoverresolver.Outcome;
import io.github.failoverresolver.ResolverSnapshot;
import io.github.failoverresolver.ResolverSnapshot.DnsStatus;
import io.github.failoverresolver.Setting;
import io.github.failoverresolver.HealthCheck;
import io.github.failoverresolver.internal.dns.EndpointDns;
import io.github.failoverresolver.internal.health.CheckScheduler;
import io.github.failoverresolver.internal.health.Ejection;
import io.github.failoverresolver.internal.health.RateOutliers;
import io.github.failoverresolver.internal.trust.CredentialJudge;
import io.github.failoverresolver.internal.trust.TlsInspector;
import io.github.failoverresolver.internal.trust.TrustRounds;
import io.github.failoverresolver.internal.trust.Verdict;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How each kind of input changes the facts of an endpoint or address: DNS answers (make before break),
 * check results (health counters), trust verdicts, passive outcomes (ejection). Each ends by having the
 * service decided again. Runs on the control loop only.
 */
final class Inputs {
  private final ControlLoop loop;
  private final Clock clock;
  private final Narrator narrator;
  private final CheckScheduler checks;
  private final TrustRounds trust;
  private final EndpointDns dns;
  private final AddressIndex index;
  private final java.util.random.RandomGenerator random;
  /** While starting: when first checks run ({@code NONE} afterwards: new addresses are checked at once). */
  private io.github.failoverresolver.internal.health.StartupSpread startup =
      io.github.failoverresolver.internal.health.StartupSpread.NONE;

  Inputs(ControlLoop loop, Clock clock, Narrator narrator, CheckScheduler checks, TrustRounds trust, EndpointDns dns,
      AddressIndex index, java.util.random.RandomGenerator random) {
    this.loop = loop;
    this.clock = clock;
    this.narrator = narrator;
    this.checks = checks;
    this.trust = trust;
    this.dns = dns;
    this.index = index;
    this.random = random;
  }

  /** How the first checks of the endpoints started next are spread; {@code NONE} ends the start-up. */
  void startupSpread(io.github.failoverresolver.internal.health.StartupSpread spread) {
    this.startup = spread;
  }

  CheckScheduler checks() {
    return checks;
  }

  EndpointDns dns() {
    return dns;
  }

  void start(EndpointState ep) {
    if (ep.cfg.literal().isPresent()) {
      ep.dns = new ResolverSnapshot.Dns(DnsStatus.IP_LITERAL, Optional.empty(), Optional.empty(), "IP literal");
      ep.keepUntil = Long.MAX_VALUE;
      setAddresses(ep, List.of(ep.cfg.literal().get()));
    } else {
      dns.start(ep.dnsSlot, ep.cfg.host(), answer -> onDns(ep, answer));
    }
    trustRound(ep);
  }

  void stop(EndpointState ep) {
    dns.stop(ep.dnsSlot);
    trust.stop(ep.trustSlot);
    ep.addresses.values().forEach(a -> {
      checks.stop(a.check);
      index.remove(a);
    });
  }

  // ---- DNS ------------------------------------------------------------------------------------

  private void onDns(EndpointState ep, EndpointDns.Answer a) {
    if (loop.closed()) {
      return;
    }
    long now = clock.millis();
    if (!a.addresses().isEmpty()) {
      ep.dns = new ResolverSnapshot.Dns(a.stale() ? DnsStatus.STALE : DnsStatus.RESOLVED, a.provider(),
          Optional.empty(), a.note(), a.servedTtl());
      ep.keepUntil = a.freshUntil() + dns.engine().settings().maxStale().toMillis();
      if (!setAddresses(ep, a.addresses())) {
        return; // the same addresses: nothing a decision reads has changed
      }
    } else if (now < ep.keepUntil) {
      Instant until = Instant.ofEpochMilli(ep.keepUntil);
      ep.dns = new ResolverSnapshot.Dns(DnsStatus.KEPT, ep.dns.provider(), Optional.of(until),
          a.note() + "; keeping the last answer until " + until);
      return;
    } else {
      ep.dns = new ResolverSnapshot.Dns(DnsStatus.FAILED, Optional.empty(), Optional.empty(), a.note());
      setAddresses(ep, List.of());
    }
    loop.decideSoon(ep.service); // both endpoints of a service answered together: one decision
  }

  /**
   * Applies a new set of addresses. Make before break: an address DNS no longer names stays, retiring,
   * while it is eligible and a replacement still waits for its first verdict ({@link Retirement}).
   *
   * @return whether the endpoint's addresses changed
   */
  private boolean setAddresses(EndpointState ep, List<InetAddress> found) {
    Set<InetSocketAddress> wanted = new LinkedHashSet<>();
    for (InetAddress a : found) {
      wanted.add(new InetSocketAddress(a, ep.cfg.port()));
    }
    if (ep.addresses.keySet().equals(wanted) && List.copyOf(ep.addresses.keySet()).equals(List.copyOf(wanted))
        && ep.addresses.values().stream().noneMatch(a -> a.retiring)) {
      return false;
    }
    Set<InetSocketAddress> eligibleNow = Retirement.eligibleNow(ep);
    LinkedHashMap<InetSocketAddress, AddressState> next = new LinkedHashMap<>();
    boolean newcomers = false;
    for (InetSocketAddress w : wanted) {
      AddressState a = ep.addresses.get(w);
      if (a == null) {
        a = new AddressState(ep, w, ep.cfg.check().isPresent());
        newcomers = true;
        index.add(a);
        startCheck(ep, a);
      }
      a.retiring = false;
      next.put(w, a);
    }
    for (AddressState old : ep.addresses.values()) {
      if (next.containsKey(old.address)) {
        continue;
      }
      if (eligibleNow.contains(old.address) && !wanted.isEmpty()) {
        old.retiring = true; // kept until a replacement has its first verdict; Retirement.prune decides
        next.put(old.address, old);
      } else {
        checks.stop(old.check);
        index.remove(old);
      }
    }
    ep.addresses.clear();
    ep.addresses.putAll(next);
    if (newcomers && (ep.cfg.tls().isPresent() || ep.cfg.accessCheck().isPresent())) {
      trustRound(ep); // a new address is inspected before it is used
    }
    return true;
  }

  void retire(EndpointState ep, AddressState a) {
    checks.stop(a.check);
    index.remove(a);
    ep.addresses.remove(a.address);
  }

  // ---- active checks --------------------------------------------------------------------------

  private void startCheck(EndpointState ep, AddressState a) {
    if (ep.cfg.check().isEmpty()) {
      return;
    }
    HealthCheck.Context context = new HealthCheck.Context(a.address, ep.cfg.host(), ep.cfg.port(), ep.cfg.timeout());
    boolean passiveFirst = ep.cfg.get(Setting.PASSIVE_FIRST);
    HealthCheck check = ep.cfg.check().get();
    CheckScheduler.Plan plan = new CheckScheduler.Plan(check, context, ep.cfg.interval(), ep.cfg.jitter(),
        check instanceof io.github.failoverresolver.internal.health.BoundedCheck, passiveFirst ? a::takeTraffic
            : () -> false, ep.cfg.tier() == 0); // a primary's slow first check never starts it as down
    long first = startup.firstDelayMs(ep.cfg.tier(), random);
    checks.start(a.check, plan, first, (healthy, detail) -> onCheck(ep, a, healthy, detail));
  }

  private void onCheck(EndpointState ep, AddressState a, boolean healthy, String detail) {
    if (loop.closed() || ep.addresses.get(a.address) != a) {
      return;
    }
    long now = clock.millis();
    a.detail = detail;
    a.lastChecked = now;
    ResolverSnapshot.Health before = a.health.health();
    a.health = a.health.onCheck(healthy, ep.cfg.healthyThreshold(), ep.cfg.unhealthyThreshold());
    boolean ejectionEnded = healthy && a.ejection.ejected(now) && !a.ejection.byAnswers();
    if (ejectionEnded) {
      // as Envoy does by default: a passing check ends an ejection, but only one for failed connects (the
      // check proves the address answers again; it cannot prove the API's answers are right)
      a.ejection = a.ejection.endedEarly(now);
      if (before == ResolverSnapshot.Health.HEALTHY) {
        narrator.addressUp(ep, a, "ejection ended early: " + detail);
      }
    }
    if (a.health.health() != before) {
      if (a.health.health() == ResolverSnapshot.Health.HEALTHY) {
        narrator.addressUp(ep, a, detail);
      } else {
        narrator.addressDown(ep, a, detail);
      }
    }
    if (ejectionEnded || a.health.health() != before) {
      loop.decideSoon(ep.service); // a result that changes no eligibility publishes nothing
    }
  }

  // ---- trust ----------------------------------------------------------------------------------

  private void trustRound(EndpointState ep) {
    if (ep.cfg.tls().isEmpty() && ep.cfg.credential().isEmpty() && ep.cfg.accessCheck().isEmpty()) {
      return;
    }
    EndpointConfig c = ep.cfg;
    trust.run(ep.trustSlot, () -> new TrustRounds.Request(c.credential(), c.credentialWarnWithin(),
        c.credentialBlockWithin(), c.credentialMaxAge(), c.tls(), c.host(), c.port(), c.timeout(),
        List.copyOf(ep.addresses.keySet()), ep.service.cfg.trustInterval(), c.accessCheck()),
        new TrustRounds.Results() {
          @Override
          public void verdicts(Optional<CredentialJudge.Judged> cred, Map<InetSocketAddress, TlsInspector.CertVerdict> certs,
              Map<InetSocketAddress, Optional<String>> access) {
            onTrust(ep, cred, certs, access);
          }

          @Override
          public void hung(long limitMs) {
            Verdict hung = Verdict.blocked("credential source " + c.credential().get() + " did not answer within "
                + limitMs + " ms");
            narrator.trust(ep, "credential of " + c.name(), ep.credential, hung);
            ep.credential = hung;
            loop.decide(ep.service);
          }
        });
  }

  private void onTrust(EndpointState ep, Optional<CredentialJudge.Judged> cred,
      Map<InetSocketAddress, TlsInspector.CertVerdict> certs, Map<InetSocketAddress, Optional<String>> access) {
    if (loop.closed()) {
      return;
    }
    boolean changed = false;
    if (!access.isEmpty()) {
      Optional<String> open = access.values().stream().flatMap(Optional::stream).findFirst();
      if (!open.equals(ep.openAccess)) {
        narrator.trust(ep, "access enforcement of " + ep.cfg.name(),
            ep.openAccess.map(Verdict::blocked).orElse(Verdict.trusted("access enforced")),
            open.map(Verdict::blocked).orElse(Verdict.trusted("access enforced")));
        ep.openAccess = open;
        changed = true;
      }
    }
    if (cred.isPresent()) {
      CredentialJudge.Judged j = cred.get();
      String what = "credential " + j.handle().map(h -> h.id()).orElse("of " + ep.cfg.name());
      narrator.trust(ep, what, ep.credential, j.verdict());
      changed |= ep.credential.status() != j.verdict().status() || !ep.fingerprint.equals(j.fingerprint());
      ep.credential = j.verdict();
      ep.handle = j.handle();
      ep.fingerprint = j.fingerprint();
    }
    for (Map.Entry<InetSocketAddress, TlsInspector.CertVerdict> c : certs.entrySet()) {
      AddressState a = ep.addresses.get(c.getKey());
      if (a == null) {
        continue;
      }
      TlsInspector.CertVerdict v = c.getValue();
      if (v.verdict().status() == ResolverSnapshot.TrustStatus.UNKNOWN
          && a.tls.verdict().status() != ResolverSnapshot.TrustStatus.UNKNOWN) {
        continue; // unreachable now: health decides; the last verdict on the certificate stands
      }
      narrator.trust(ep, "certificate of " + a.label, a.tls.verdict(), v.verdict());
      changed |= a.tls.verdict().status() != v.verdict().status() || !a.tls.leafSha256().equals(v.leafSha256());
      a.tls = v;
    }
    changed |= sharedCredentials(ep.service);
    if (changed) {
      loop.decideSoon(ep.service); // verdicts that change nothing publish nothing
    }
  }

  /** Marks each endpoint whose secret equals that of an endpoint in a better tier; true if a mark changed. */
  private boolean sharedCredentials(ServiceState s) {
    boolean changed = false;
    Map<String, List<EndpointState>> byFingerprint = new HashMap<>();
    for (EndpointState ep : s.endpoints) {
      ep.fingerprint.ifPresent(fp -> byFingerprint.computeIfAbsent(fp, k -> new ArrayList<>()).add(ep));
    }
    for (EndpointState ep : s.endpoints) {
      List<EndpointState> same = ep.fingerprint.map(byFingerprint::get).orElse(List.of());
      int bestTier = same.stream().mapToInt(e -> e.cfg.tier()).min().orElse(ep.cfg.tier());
      boolean shared = ep.cfg.tier() > bestTier;
      if (shared && !ep.shared) {
        narrator.shared(s, same.stream().map(e -> e.cfg.name()).toList(), ep.handle.map(h -> h.fingerprint()).orElse(""));
      }
      changed |= ep.shared != shared;
      ep.shared = shared;
    }
    return changed;
  }

  // ---- passive outcomes -----------------------------------------------------------------------

  void outcome(EndpointState ep, AddressState a, Outcome outcome) {
    if (outcome.kind() == Outcome.Kind.SUCCESS) {
      a.ejection = a.ejection.onSuccess();
      a.reports.failuresPending = false;
      return;
    }
    ServiceConfig cfg = ep.service.cfg;
    long now = clock.millis();
    a.passiveFailureAt = now; // failback to its tier waits a whole window after it (probation)
    a.passiveFailure = outcome.cause();
    a.failures++;
    for (AddressState s : ep.addresses.values()) {
      s.reports.countSuccesses = true; // from now on its successes are counted, for the rates of this endpoint
    }
    boolean wasEjected = a.ejection.ejected(now);
    // during a slow start back to its tier an address is on probation: one failure ejects it (a failed failback)
    boolean probation = ep.service.memory.rampFrom() >= 0 && ep.service.memory.activeTier() == ep.cfg.tier();
    Ejection.Rule rule = new Ejection.Rule(
        probation ? 1 : cfg.get(Setting.EJECT_AFTER_FAILURES), cfg.get(Setting.EJECT_AFTER_CONNECT_FAILURES),
        cfg.get(Setting.BASE_EJECTION).toMillis(), cfg.get(Setting.MAX_EJECTION).toMillis());
    a.ejection = a.ejection.onFailure(outcome.kind() == Outcome.Kind.CONNECT_FAILURE, now, rule);
    String cause = outcome.cause();
    if (!wasEjected && !a.ejection.ejected(now)) {
      java.util.Optional<String> byRate = rateOutlier(ep, a, now, cfg);
      if (byRate.isPresent()) {
        a.ejection = a.ejection.byRate(now, rule);
        cause = byRate.get();
      }
    }
    a.reports.failuresPending = a.ejection.failures() > 0 || a.ejection.connectFailures() > 0;
    if (wasEjected || !a.ejection.ejected(now)) {
      return;
    }
    a.detail = "ejected: " + (a.ejection.byRate() ? "" : outcome.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ')
        + ": ") + cause;
    narrator.ejected(ep, a, a.ejection.lengthFrom(now), cause);
    loop.decide(ep.service);
  }

  /** Outlier detection by rate among the endpoint's addresses, capped per tier ({@link RateOutliers}). */
  private java.util.Optional<String> rateOutlier(EndpointState ep, AddressState a, long now, ServiceConfig cfg) {
    long windowMs = cfg.get(Setting.OUTLIER_WINDOW).toMillis();
    java.util.List<RateOutliers.Counts> counts = new java.util.ArrayList<>(ep.addresses.size());
    int index = -1;
    for (AddressState s : ep.addresses.values()) {
      if (s == a) {
        index = counts.size();
      }
      counts.add(s.rateCounts(now, windowMs));
    }
    if (index < 0) {
      return java.util.Optional.empty();
    }
    int tierSize = 0;
    int ejectedByRate = 0;
    for (EndpointState e : ep.service.endpoints) {
      if (e.cfg.tier() == ep.cfg.tier()) {
        for (AddressState s : e.addresses.values()) {
          tierSize++;
          if (s.ejection.byRate() && s.ejection.ejected(now)) {
            ejectedByRate++;
          }
        }
      }
    }
    return RateOutliers.outlier(counts, index, new RateOutliers.Rule(cfg.get(Setting.FAILURE_PERCENTAGE_THRESHOLD),
        cfg.get(Setting.FAILURE_PERCENTAGE_MIN_REQUESTS), cfg.get(Setting.SUCCESS_RATE_STDEV_FACTOR),
        cfg.get(Setting.SUCCESS_RATE_MIN_HOSTS), cfg.get(Setting.SUCCESS_RATE_MIN_REQUESTS),
        cfg.get(Setting.MAX_EJECTION_PERCENT)), ejectedByRate, tierSize);
  }
}

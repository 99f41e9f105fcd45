package io.github.failoverresolver.internal.engine;

import io.github.failoverresolver.DnsAnswer;
import io.github.failoverresolver.DnsLookupException;
import io.github.failoverresolver.FailoverEvent;
import io.github.failoverresolver.HealthCheck;
import io.github.failoverresolver.NoEligibleTargetException;
import io.github.failoverresolver.Outcome;
import io.github.failoverresolver.RecordType;
import io.github.failoverresolver.ResolverSnapshot;
import io.github.failoverresolver.Subscription;
import io.github.failoverresolver.Target;
import io.github.failoverresolver.internal.EventDispatcher;
import io.github.failoverresolver.internal.SerialExecutor;
import io.github.failoverresolver.internal.dns.DnsEngine;
import io.github.failoverresolver.internal.trust.CredentialJudge;
import io.github.failoverresolver.internal.trust.TlsInspector;
import io.github.failoverresolver.internal.trust.Verdict;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failover engine. One serial control loop ({@link SerialExecutor}) owns every mutable field of the
 * service, endpoint and address states below; it publishes an immutable {@link RoutingTable} per service
 * through a volatile field, which {@link #select} and {@link #resolve} read without a lock.
 */
public final class Engine {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);
  private static final long CALL_TIMEOUT_MS = 5_000;

  /** What select and resolve read: built by the control loop, never changed. */
  static final class RoutingTable {
    static final RoutingTable EMPTY = new RoutingTable(List.of(), List.of("not resolved or checked yet"), 0);

    final List<Target> targets;
    final Target first;
    final List<String> reasons;
    final long generation;

    RoutingTable(List<Target> targets, List<String> reasons, long generation) {
      this.targets = List.copyOf(targets);
      this.first = targets.isEmpty() ? null : targets.get(0);
      this.reasons = List.copyOf(reasons);
      this.generation = generation;
    }
  }

  final class AddressState {
    final InetSocketAddress address;
    final String label;
    ResolverSnapshot.Health health;
    int consecutiveOk;
    int consecutiveFail;
    int reportedFailures;
    int reportedConnectFailures;
    long ejectedUntil;
    int ejections;
    long lastEjectionEnd = Long.MIN_VALUE / 2;
    String detail = "not checked yet";
    long lastChecked = Long.MIN_VALUE;
    TlsInspector.CertVerdict tls = new TlsInspector.CertVerdict(Verdict.unknown("not inspected yet"),
        Optional.empty(), Optional.empty(), Optional.empty());
    boolean checkRunning;
    long checkToken;
    ScheduledFuture<?> nextCheck;
    boolean removed;

    AddressState(InetSocketAddress address, boolean checked) {
      this.address = address;
      String host = address.getAddress().getHostAddress();
      this.label = (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
      this.health = checked ? ResolverSnapshot.Health.UNKNOWN : ResolverSnapshot.Health.HEALTHY;
      if (!checked) {
        detail = "no active check configured";
      }
    }

    boolean ejected(long now) {
      return now < ejectedUntil;
    }
  }

  final class EndpointState {
    final EndpointConfig cfg;
    final ServiceState service;
    final LinkedHashMap<InetSocketAddress, AddressState> addresses = new LinkedHashMap<>();
    boolean drained;
    String dns = "not resolved yet";
    long keepUntil;
    volatile List<InetAddress> eligible = List.of();
    Verdict credential = Verdict.unknown("not loaded yet");
    Optional<io.github.failoverresolver.CredentialHandle> handle = Optional.empty();
    Optional<String> fingerprint = Optional.empty();
    boolean shared;
    boolean drilled;
    boolean trustRunning;
    boolean trustAgain;
    long trustToken;
    ScheduledFuture<?> nextTrust;
    volatile String whyNot = "not resolved or checked yet";

    EndpointState(EndpointConfig cfg, ServiceState service) {
      this.cfg = cfg;
      this.service = service;
    }

    String describe() {
      return "tier " + cfg.tier() + " " + cfg.name();
    }
  }

  final class ServiceState {
    final ServiceConfig cfg;
    final List<EndpointState> endpoints = new ArrayList<>();
    final List<Integer> tiers;
    final List<Consumer<Optional<Target>>> subscribers = new CopyOnWriteArrayList<>();
    volatile RoutingTable table = RoutingTable.EMPTY;
    int activeTier = -1;
    boolean panic;
    boolean unavailable;
    boolean settled;
    final Map<Integer, Long> eligibleSince = new HashMap<>();
    final ArrayDeque<Long> failovers = new ArrayDeque<>();
    long generation;
    String reason = "starting";
    Integer pinnedTier;
    String pinnedEndpoint;
    ScheduledFuture<?> evaluation;

    ServiceState(ServiceConfig cfg) {
      this.cfg = cfg;
      this.tiers = new ArrayList<>(new TreeSet<>(cfg.endpoints().stream().map(EndpointConfig::tier).toList()));
    }
  }

  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final Executor checks;
  private final SerialExecutor control;
  private final DnsEngine dns;
  private final EventDispatcher events;
  private final RandomGenerator random;
  private final Duration dnsRefresh;
  private final Map<String, ServiceState> services;
  private final Map<String, List<EndpointState>> byHost;
  private final CredentialJudge judge = new CredentialJudge();
  private final List<ScheduledFuture<?>> dnsTimers = new ArrayList<>();
  private volatile boolean closed;

  public Engine(List<ServiceConfig> configs, Clock clock, ScheduledExecutorService scheduler, Executor checks,
      Executor controlDelegate, DnsEngine dns, EventDispatcher events, RandomGenerator random, Duration dnsRefresh) {
    this.clock = clock;
    this.scheduler = scheduler;
    this.checks = checks;
    this.control = new SerialExecutor(controlDelegate);
    this.dns = dns;
    this.events = events;
    this.random = random;
    this.dnsRefresh = dnsRefresh;
    Map<String, ServiceState> s = new LinkedHashMap<>();
    Map<String, List<EndpointState>> hosts = new HashMap<>();
    for (ServiceConfig c : configs) {
      ServiceState state = new ServiceState(c);
      for (EndpointConfig e : c.endpoints()) {
        EndpointState ep = new EndpointState(e, state);
        state.endpoints.add(ep);
        hosts.computeIfAbsent(e.host(), h -> new ArrayList<>()).add(ep);
      }
      s.put(c.name(), state);
    }
    this.services = Map.copyOf(s);
    this.byHost = Map.copyOf(hosts);
  }

  /** Starts resolving and checking every endpoint. */
  public void start() {
    control.execute(() -> {
      for (ServiceState s : services.values()) {
        for (EndpointState ep : s.endpoints) {
          if (ep.cfg.literal().isPresent()) {
            ep.dns = "IP literal";
            ep.keepUntil = Long.MAX_VALUE;
            setAddresses(ep, List.of(ep.cfg.literal().get()));
          } else {
            resolveNow(ep);
          }
          trustRound(ep);
        }
        evaluate(s);
      }
    });
  }

  // ---- data plane ---------------------------------------------------------------------------

  public Target select(String service) {
    ServiceState s = service(service);
    RoutingTable t = s.table;
    Target first = t.first;
    if (first != null) {
      return first;
    }
    throw new NoEligibleTargetException(service, t.reasons);
  }

  public List<Target> targets(String service) {
    return service(service).table.targets;
  }

  /** Eligible addresses of the endpoints named {@code host}; null when {@code host} is no endpoint's. */
  public List<InetAddress> resolve(String host) throws java.net.UnknownHostException {
    List<EndpointState> eps = byHost.get(host);
    if (eps == null) {
      String dotless = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
      eps = byHost.get(dotless.toLowerCase(java.util.Locale.ROOT));
      if (eps == null) {
        return null;
      }
    }
    if (eps.size() == 1) {
      List<InetAddress> one = eps.get(0).eligible;
      if (one.isEmpty()) {
        throw new java.net.UnknownHostException(host + ": no eligible address: " + eps.get(0).whyNot);
      }
      return one;
    }
    Set<InetAddress> merged = new LinkedHashSet<>();
    List<String> why = new ArrayList<>();
    for (EndpointState ep : eps) {
      merged.addAll(ep.eligible);
      why.add(ep.cfg.name() + ": " + ep.whyNot);
    }
    if (merged.isEmpty()) {
      throw new java.net.UnknownHostException(host + ": no eligible address: " + String.join("; ", why));
    }
    return List.copyOf(merged);
  }

  private ServiceState service(String name) {
    ServiceState s = services.get(name);
    if (s == null) {
      throw new IllegalArgumentException("unknown service '" + name + "'; configured: " + services.keySet());
    }
    return s;
  }

  // ---- inputs -------------------------------------------------------------------------------

  /**
   * Records an outcome. A failure is applied before this returns, so that the very next select already
   * avoids an address it ejects; a success is applied asynchronously.
   */
  public void report(Target target, InetSocketAddress address, Outcome outcome) {
    ServiceState s = service(target.service());
    Runnable apply = () -> {
      for (EndpointState ep : s.endpoints) {
        if (ep.cfg.name().equals(target.endpoint())) {
          AddressState a = ep.addresses.get(address);
          if (a != null) {
            onOutcome(ep, a, outcome);
          }
        }
      }
    };
    applyOutcome(apply, outcome);
  }

  /** A failure is applied before the caller goes on (the next select must see it); a success need not wait. */
  private void applyOutcome(Runnable apply, Outcome outcome) {
    if (outcome.kind() == Outcome.Kind.SUCCESS) {
      control.execute(apply);
    } else {
      control.call(() -> {
        apply.run();
        return null;
      }, CALL_TIMEOUT_MS);
    }
  }

  /** Records an outcome for {@code address} in every endpoint that has it (callers that only know the address). */
  public void reportAddress(InetSocketAddress address, Outcome outcome) {
    Runnable apply = () -> {
      for (ServiceState s : services.values()) {
        for (EndpointState ep : s.endpoints) {
          AddressState a = ep.addresses.get(address);
          if (a != null) {
            onOutcome(ep, a, outcome);
          }
        }
      }
    };
    applyOutcome(apply, outcome);
  }

  public java.util.Set<String> serviceNames() {
    return services.keySet();
  }

  public Subscription subscribe(String service, Consumer<Optional<Target>> listener) {
    ServiceState s = service(service);
    s.subscribers.add(listener);
    RoutingTable now = s.table;
    events.dispatch(() -> listener.accept(Optional.ofNullable(now.first)), "subscriber of " + service);
    return new Subscription() {
      @Override
      public void close() {
        s.subscribers.remove(listener);
      }
    };
  }

  public int subscriberCount(String service) {
    return service(service).subscribers.size();
  }

  public void pinTier(String service, int tier) {
    ServiceState s = service(service);
    if (!s.tiers.contains(tier)) {
      throw new IllegalArgumentException("service '" + service + "' has no tier " + tier + "; tiers: " + s.tiers);
    }
    operator(s, () -> {
      s.pinnedTier = tier;
      s.pinnedEndpoint = null;
    });
  }

  public void pinEndpoint(String service, String endpoint) {
    ServiceState s = service(service);
    endpoint(s, endpoint);
    operator(s, () -> {
      s.pinnedEndpoint = endpoint;
      s.pinnedTier = null;
    });
  }

  public void unpin(String service) {
    ServiceState s = service(service);
    operator(s, () -> {
      s.pinnedTier = null;
      s.pinnedEndpoint = null;
    });
  }

  public void drain(String service, String endpoint, boolean drained) {
    ServiceState s = service(service);
    EndpointState ep = endpoint(s, endpoint);
    operator(s, () -> ep.drained = drained);
  }

  /** Takes the primary tier of {@code service} out (a live drill) or puts it back. */
  public void drillOut(String service, boolean out) {
    ServiceState s = service(service);
    operator(s, () -> {
      for (EndpointState ep : s.endpoints) {
        if (ep.cfg.tier() == s.tiers.get(0)) {
          ep.drilled = out;
        }
      }
    });
  }

  public ServiceConfig config(String service) {
    return service(service).cfg;
  }

  private EndpointState endpoint(ServiceState s, String name) {
    return s.endpoints.stream().filter(e -> e.cfg.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("service '" + s.cfg.name() + "' has no endpoint '" + name
            + "'; endpoints: " + s.endpoints.stream().map(e -> e.cfg.name()).toList()));
  }

  private void operator(ServiceState s, Runnable change) {
    control.call(() -> {
      change.run();
      evaluate(s);
      return null;
    }, CALL_TIMEOUT_MS);
  }

  public ResolverSnapshot snapshot() {
    return control.call(this::buildSnapshot, CALL_TIMEOUT_MS);
  }

  // ---- DNS ----------------------------------------------------------------------------------

  private void resolveNow(EndpointState ep) {
    if (closed) {
      return;
    }
    boolean started = runIo(() -> {
      List<InetAddress> found = new ArrayList<>();
      List<String> notes = new ArrayList<>();
      long expiresAt = Long.MAX_VALUE;
      boolean failed = false;
      for (RecordType type : new RecordType[] {RecordType.A, RecordType.AAAA}) {
        try {
          DnsAnswer a = dns.lookup(ep.cfg.host(), type);
          found.addAll(a.addresses());
          if (!a.addresses().isEmpty()) {
            expiresAt = Math.min(expiresAt, a.expiresAt().toEpochMilli());
            notes.add(type + " from " + a.source() + (a.stale() ? " (STALE)" : ""));
          } else if (type == RecordType.A || found.isEmpty()) {
            notes.add(type + " " + a.status());
          }
        } catch (DnsLookupException e) {
          failed = true;
          notes.add(e.getMessage());
        }
      }
      boolean anyFailure = failed;
      long freshUntil = expiresAt;
      control.execute(() -> onDns(ep, found, String.join("; ", notes), freshUntil, anyFailure));
    }, "DNS lookup of " + ep.cfg.host());
    if (!started) {
      scheduler.schedule(() -> control.execute(() -> resolveNow(ep)), dnsRefresh.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void onDns(EndpointState ep, List<InetAddress> found, String note, long freshUntil, boolean failed) {
    if (closed) {
      return;
    }
    long now = clock.millis();
    if (!found.isEmpty()) {
      ep.dns = note;
      ep.keepUntil = freshUntil + dns.settings().maxStale().toMillis();
      setAddresses(ep, found);
    } else if (now < ep.keepUntil) {
      ep.dns = note + "; keeping the last answer until " + Instant.ofEpochMilli(ep.keepUntil);
    } else {
      ep.dns = note;
      setAddresses(ep, List.of());
    }
    evaluate(ep.service);
    ScheduledFuture<?> next = scheduler.schedule(() -> control.execute(() -> resolveNow(ep)), dnsRefresh.toMillis(),
        TimeUnit.MILLISECONDS);
    synchronized (dnsTimers) {
      dnsTimers.removeIf(java.util.concurrent.Future::isDone);
      dnsTimers.add(next);
    }
  }

  private void setAddresses(EndpointState ep, List<InetAddress> found) {
    Set<InetSocketAddress> wanted = new LinkedHashSet<>();
    for (InetAddress a : found) {
      wanted.add(new InetSocketAddress(a, ep.cfg.port()));
    }
    ep.addresses.values().removeIf(a -> {
      if (!wanted.contains(a.address)) {
        a.removed = true;
        if (a.nextCheck != null) {
          a.nextCheck.cancel(false);
        }
        return true;
      }
      return false;
    });
    LinkedHashMap<InetSocketAddress, AddressState> ordered = new LinkedHashMap<>();
    boolean newcomers = false;
    for (InetSocketAddress w : wanted) {
      AddressState existing = ep.addresses.get(w);
      if (existing != null) {
        ordered.put(w, existing);
      } else {
        AddressState fresh = new AddressState(w, ep.cfg.check().isPresent());
        ordered.put(w, fresh);
        newcomers = true;
        if (ep.cfg.check().isPresent()) {
          startCheck(ep, fresh);
        }
      }
    }
    ep.addresses.clear();
    ep.addresses.putAll(ordered);
    if (newcomers && ep.cfg.tls().isPresent()) {
      trustRound(ep); // a new address is inspected before it is used
    }
  }

  // ---- active checks --------------------------------------------------------------------------

  private void startCheck(EndpointState ep, AddressState a) {
    if (closed || a.removed) {
      return;
    }
    if (a.checkRunning) {
      // the previous check is still hung: never overlap, count the round as failed
      applyCheck(ep, a, false, "previous check still running after its " + ep.cfg.timeout().toMillis()
          + " ms timeout (hung)");
      scheduleCheck(ep, a);
      return;
    }
    long token = ++a.checkToken;
    a.checkRunning = true;
    HealthCheck check = ep.cfg.check().orElseThrow();
    HealthCheck.Context context = new HealthCheck.Context(a.address, ep.cfg.host(), ep.cfg.port(), ep.cfg.timeout());
    ScheduledFuture<?> timeout = scheduler.schedule(() -> control.execute(() -> {
      if (a.checkToken == token && a.checkRunning && !a.removed) {
        a.checkToken++; // a late result of this round is ignored
        applyCheck(ep, a, false, "check timed out after " + ep.cfg.timeout().toMillis() + " ms");
        scheduleCheck(ep, a);
      }
    }), ep.cfg.timeout().toMillis(), TimeUnit.MILLISECONDS);
    boolean started = runIo(() -> {
      HealthCheck.Result r;
      try {
        r = check.check(context);
        if (r == null) {
          r = HealthCheck.Result.unhealthy("check returned no result");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        r = HealthCheck.Result.unhealthy("check interrupted");
      } catch (Exception | Error e) {
        r = HealthCheck.Result.unhealthy("check threw " + e.getClass().getSimpleName() + ": " + e.getMessage());
      }
      HealthCheck.Result result = r;
      control.execute(() -> {
        boolean current = a.checkToken == token;
        a.checkRunning = false;
        if (current && !a.removed && !closed) {
          timeout.cancel(false);
          applyCheck(ep, a, result.healthy(), result.detail());
          scheduleCheck(ep, a);
        }
      });
    }, "health check of " + a.label);
    if (!started) {
      timeout.cancel(false);
      a.checkRunning = false;
      a.checkToken++;
      applyCheck(ep, a, false, "no check thread free (too many checks hung)");
      scheduleCheck(ep, a);
    }
  }

  private void scheduleCheck(EndpointState ep, AddressState a) {
    if (closed || a.removed) {
      return;
    }
    long interval = ep.cfg.interval().toMillis();
    long delay = interval + (long) (random.nextDouble() * ep.cfg.jitter() * interval);
    a.nextCheck = scheduler.schedule(() -> control.execute(() -> startCheck(ep, a)), delay, TimeUnit.MILLISECONDS);
  }

  private void applyCheck(EndpointState ep, AddressState a, boolean healthy, String detail) {
    a.detail = detail;
    a.lastChecked = clock.millis();
    ResolverSnapshot.Health before = a.health;
    if (healthy) {
      a.consecutiveOk++;
      a.consecutiveFail = 0;
      if (before == ResolverSnapshot.Health.UNKNOWN
          || (before == ResolverSnapshot.Health.UNHEALTHY && a.consecutiveOk >= ep.cfg.healthyThreshold())) {
        a.health = ResolverSnapshot.Health.HEALTHY;
      }
      if (a.ejected(clock.millis())) {
        // as Envoy does by default: a passing active check ends an outlier ejection
        a.ejectedUntil = 0;
        a.lastEjectionEnd = clock.millis();
        if (before == ResolverSnapshot.Health.HEALTHY) {
          events.publish(new FailoverEvent.AddressUp(clock.instant(), ep.service.cfg.name(), ep.cfg.name(), a.label,
              "ejection ended early: " + detail));
        }
      }
    } else {
      a.consecutiveFail++;
      a.consecutiveOk = 0;
      if (before == ResolverSnapshot.Health.UNKNOWN
          || (before == ResolverSnapshot.Health.HEALTHY && a.consecutiveFail >= ep.cfg.unhealthyThreshold())) {
        a.health = ResolverSnapshot.Health.UNHEALTHY;
      }
    }
    if (a.health != before) {
      Instant at = clock.instant();
      if (a.health == ResolverSnapshot.Health.HEALTHY) {
        events.publish(new FailoverEvent.AddressUp(at, ep.service.cfg.name(), ep.cfg.name(), a.label, detail));
      } else if (a.health == ResolverSnapshot.Health.UNHEALTHY) {
        events.publish(new FailoverEvent.AddressDown(at, ep.service.cfg.name(), ep.cfg.name(), a.label, detail));
      }
    }
    evaluate(ep.service);
  }

  // ---- trust ----------------------------------------------------------------------------------

  /** Loads the credential and inspects every address's certificate, off the loop; applies the verdicts. */
  private void trustRound(EndpointState ep) {
    if (closed || (ep.cfg.tls().isEmpty() && ep.cfg.credential().isEmpty())) {
      return;
    }
    if (ep.trustRunning) {
      ep.trustAgain = true;
      return;
    }
    ep.trustRunning = true;
    ep.trustAgain = false;
    long token = ++ep.trustToken;
    if (ep.nextTrust != null) {
      ep.nextTrust.cancel(false);
    }
    List<InetSocketAddress> addresses = List.copyOf(ep.addresses.keySet());
    // user code (a credential source) may hang: after this long the credential counts as blocked
    long limit = Math.max(5_000, ep.cfg.timeout().toMillis() * (addresses.size() + 1));
    scheduler.schedule(() -> control.execute(() -> {
      if (ep.trustRunning && ep.trustToken == token && !closed && ep.cfg.credential().isPresent()) {
        Verdict hung = Verdict.blocked("credential source " + ep.cfg.credential().get() + " did not answer within "
            + limit + " ms");
        announceTrust(ep, "credential of " + ep.cfg.name(), ep.credential, hung);
        ep.credential = hung;
        evaluate(ep.service);
      }
    }), limit, TimeUnit.MILLISECONDS);
    Instant now = clock.instant();
    EndpointConfig cfg = ep.cfg;
    boolean started = runIo(() -> {
      Optional<CredentialJudge.Judged> cred = cfg.credential().map(source -> judge.judge(source, now,
          cfg.credentialWarnWithin(), cfg.credentialBlockWithin(), cfg.credentialMaxAge()));
      Map<InetSocketAddress, TlsInspector.CertVerdict> certs = new HashMap<>();
      if (cfg.tls().isPresent()) {
        for (InetSocketAddress a : addresses) {
          certs.put(a, TlsInspector.inspect(a, cfg.host(), cfg.port(), cfg.timeout(), cfg.tls().get(), now));
        }
      }
      control.execute(() -> applyTrust(ep, cred, certs));
    }, "trust check of " + cfg.name());
    if (!started) {
      ep.trustRunning = false;
      scheduleTrust(ep);
    }
  }

  private void scheduleTrust(EndpointState ep) {
    if (closed) {
      return;
    }
    long delay = ep.service.cfg.trustInterval().toMillis();
    ep.nextTrust = scheduler.schedule(() -> control.execute(() -> trustRound(ep)), delay, TimeUnit.MILLISECONDS);
  }

  private void applyTrust(EndpointState ep, Optional<CredentialJudge.Judged> cred,
      Map<InetSocketAddress, TlsInspector.CertVerdict> certs) {
    ep.trustRunning = false;
    if (closed) {
      return;
    }
    if (cred.isPresent()) {
      CredentialJudge.Judged j = cred.get();
      String what = "credential " + j.handle().map(h -> h.id()).orElse("of " + ep.cfg.name());
      announceTrust(ep, what, ep.credential, j.verdict());
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
      if (v.verdict().status() == Verdict.Status.UNKNOWN && a.tls.verdict().status() != Verdict.Status.UNKNOWN) {
        continue; // unreachable now: health decides; the last verdict on the certificate stands
      }
      announceTrust(ep, "certificate of " + a.label, a.tls.verdict(), v.verdict());
      a.tls = v;
    }
    detectSharedCredentials(ep.service);
    evaluate(ep.service);
    if (ep.trustAgain) {
      trustRound(ep);
    } else {
      scheduleTrust(ep);
    }
  }

  private void announceTrust(EndpointState ep, String what, Verdict before, Verdict after) {
    Instant at = clock.instant();
    String service = ep.service.cfg.name();
    if (after.status() == Verdict.Status.BLOCKED && before.status() != Verdict.Status.BLOCKED) {
      events.publish(new FailoverEvent.CredentialBlocked(at, service, ep.cfg.name(), what, after.reason()));
    } else if (after.status() == Verdict.Status.WARN && before.status() != Verdict.Status.WARN) {
      Instant expires = after.expiresAt().orElse(at);
      events.publish(new FailoverEvent.CredentialExpiring(at, service, ep.cfg.name(), what,
          Duration.between(at, expires).toDays(), expires));
    }
    if (before.status() == Verdict.Status.BLOCKED && after.status().trusted()) {
      events.publish(new FailoverEvent.CredentialRestored(at, service, ep.cfg.name(), what, after.reason()));
    }
  }

  /** Marks each endpoint whose secret equals that of an endpoint in a better tier. */
  private void detectSharedCredentials(ServiceState s) {
    Map<String, List<EndpointState>> byFingerprint = new HashMap<>();
    for (EndpointState ep : s.endpoints) {
      ep.fingerprint.ifPresent(fp -> byFingerprint.computeIfAbsent(fp, k -> new ArrayList<>()).add(ep));
    }
    for (EndpointState ep : s.endpoints) {
      List<EndpointState> same = ep.fingerprint.map(byFingerprint::get).orElse(List.of());
      int bestTier = same.stream().mapToInt(e -> e.cfg.tier()).min().orElse(ep.cfg.tier());
      boolean shared = ep.cfg.tier() > bestTier;
      if (shared && !ep.shared) {
        events.publish(new FailoverEvent.CredentialShared(clock.instant(), s.cfg.name(),
            same.stream().map(e -> e.cfg.name()).toList(), ep.handle.map(h -> h.fingerprint()).orElse(""),
            s.cfg.blockSharedCredentials()));
      }
      ep.shared = shared;
    }
  }

  private boolean trusted(EndpointState ep, AddressState a) {
    if (ep.cfg.credential().isPresent()
        && (!ep.credential.status().trusted() || (ep.shared && ep.service.cfg.blockSharedCredentials()))) {
      return false;
    }
    return ep.cfg.tls().isEmpty() || a.tls.verdict().status().trusted();
  }

  private String untrustedReason(EndpointState ep, AddressState a) {
    if (ep.cfg.credential().isPresent()) {
      if (!ep.credential.status().trusted()) {
        return "untrusted: " + ep.credential.reason();
      }
      if (ep.shared && ep.service.cfg.blockSharedCredentials()) {
        return "untrusted: credential " + ep.handle.map(h -> h.id()).orElse("") + " is shared with a better tier";
      }
    }
    return "untrusted: " + a.tls.verdict().reason();
  }

  // ---- passive outcomes -----------------------------------------------------------------------

  private void onOutcome(EndpointState ep, AddressState a, Outcome outcome) {
    ServiceConfig cfg = ep.service.cfg;
    long now = clock.millis();
    switch (outcome.kind()) {
      case SUCCESS -> {
        a.reportedFailures = 0;
        a.reportedConnectFailures = 0;
        return;
      }
      case FAILURE -> a.reportedFailures++;
      case CONNECT_FAILURE -> {
        a.reportedFailures++;
        a.reportedConnectFailures++;
      }
      default -> throw new IllegalStateException();
    }
    boolean eject = a.reportedFailures >= cfg.ejectAfterFailures()
        || a.reportedConnectFailures >= cfg.ejectAfterConnectFailures();
    if (!eject || a.ejected(now)) {
      return;
    }
    if (now - a.lastEjectionEnd > cfg.maxEjection().toMillis()) {
      a.ejections = 0; // well-behaved for a while: start the growth again
    }
    a.ejections++;
    long length = Math.min(cfg.baseEjection().toMillis() * a.ejections, cfg.maxEjection().toMillis());
    a.ejectedUntil = now + length;
    a.lastEjectionEnd = a.ejectedUntil;
    a.reportedFailures = 0;
    a.reportedConnectFailures = 0;
    a.detail = "ejected: " + outcome.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ": "
        + outcome.cause();
    events.publish(new FailoverEvent.AddressEjected(clock.instant(), cfg.name(), ep.cfg.name(), a.label,
        Duration.ofMillis(length), a.ejections, outcome.cause()));
    scheduler.schedule(() -> control.execute(() -> evaluate(ep.service)), length, TimeUnit.MILLISECONDS);
    evaluate(ep.service);
  }

  // ---- policy -------------------------------------------------------------------------------

  private boolean eligible(EndpointState ep, AddressState a, long now) {
    return !ep.drained && !ep.drilled && a.health == ResolverSnapshot.Health.HEALTHY && !a.ejected(now)
        && trusted(ep, a) && notDependent(ep).isEmpty();
  }

  /** With requireIndependence: why a backup endpoint shares a critical fault domain with the primary tier. */
  private Optional<String> notDependent(EndpointState ep) {
    ServiceState s = ep.service;
    int lowest = s.tiers.get(0);
    if (!s.cfg.requireIndependence() || ep.cfg.tier() == lowest) {
      return Optional.empty();
    }
    for (EndpointState p : s.endpoints) {
      if (p.cfg.tier() != lowest) {
        continue;
      }
      for (AddressState a : ep.addresses.values()) {
        for (AddressState b : p.addresses.values()) {
          if (a.address.getAddress().equals(b.address.getAddress())) {
            return Optional.of("not independent of " + p.cfg.name() + ": same address " + a.address.getAddress()
                .getHostAddress());
          }
          if (a.tls.leafSha256().isPresent() && a.tls.leafSha256().equals(b.tls.leafSha256())) {
            return Optional.of("not independent of " + p.cfg.name() + ": same certificate");
          }
        }
      }
    }
    return Optional.empty();
  }

  private String whyNot(EndpointState ep, AddressState a, long now) {
    if (ep.drained) {
      return "drained by operator";
    }
    if (ep.drilled) {
      return "taken out by a live drill";
    }
    if (notDependent(ep).isPresent()) {
      return notDependent(ep).get();
    }
    if (!trusted(ep, a)) {
      return untrustedReason(ep, a);
    }
    if (a.ejected(now)) {
      return "ejected until " + Instant.ofEpochMilli(a.ejectedUntil) + " (" + a.detail + ")";
    }
    return a.health == ResolverSnapshot.Health.UNKNOWN ? "not checked yet" : a.detail;
  }

  private List<InetSocketAddress> eligibleOf(EndpointState ep, long now) {
    List<InetSocketAddress> out = new ArrayList<>();
    for (AddressState a : ep.addresses.values()) {
      if (eligible(ep, a, now)) {
        out.add(a.address);
      }
    }
    return out;
  }

  private String endpointWhyNot(EndpointState ep, long now) {
    if (ep.drained) {
      return "drained by operator";
    }
    if (ep.drilled) {
      return "taken out by a live drill";
    }
    if (ep.addresses.isEmpty()) {
      return "no addresses (DNS: " + ep.dns + ")";
    }
    List<String> parts = new ArrayList<>();
    for (AddressState a : ep.addresses.values()) {
      parts.add(a.label + " " + whyNot(ep, a, now));
    }
    return String.join(", ", parts);
  }

  /** Re-decides which tier serves the service and publishes the routing table if it changed. */
  void evaluate(ServiceState s) {
    if (closed) {
      return;
    }
    long now = clock.millis();
    ServiceConfig cfg = s.cfg;
    Map<Integer, Integer> eligibleCount = new HashMap<>();
    for (EndpointState ep : s.endpoints) {
      List<InetSocketAddress> ok = eligibleOf(ep, now);
      eligibleCount.merge(ep.cfg.tier(), ok.size(), Integer::sum);
      List<InetAddress> plain = new ArrayList<>(ok.size());
      ok.forEach(a -> plain.add(a.getAddress()));
      if (!plain.equals(ep.eligible)) {
        ep.eligible = List.copyOf(plain);
      }
      ep.whyNot = plain.isEmpty() ? endpointWhyNot(ep, now) : "";
    }
    for (int t : s.tiers) {
      if (eligibleCount.getOrDefault(t, 0) >= cfg.minEligible()) {
        s.eligibleSince.putIfAbsent(t, now);
      } else {
        s.eligibleSince.remove(t);
      }
    }
    int lowest = s.tiers.get(0);
    // until the primary tier has had its first verdicts (health and trust), moving to it is start-up,
    // not a failback: decide with the old value, then update it
    boolean settledBefore = s.settled;
    if (!s.settled) {
      s.settled = s.endpoints.stream().filter(e -> e.cfg.tier() == lowest)
          .allMatch(e -> !e.addresses.isEmpty()
              && (e.cfg.credential().isEmpty() || e.credential.status() != Verdict.Status.UNKNOWN)
              && e.addresses.values().stream().noneMatch(a -> a.health == ResolverSnapshot.Health.UNKNOWN
                  || (e.cfg.tls().isPresent() && a.tls.verdict().status() == Verdict.Status.UNKNOWN)));
    }

    Integer best = null;
    for (int t : s.tiers) {
      if (s.eligibleSince.containsKey(t)) {
        best = t;
        break;
      }
    }
    Integer degraded = null; // a tier with some eligible addresses, though fewer than minEligible
    for (int t : s.tiers) {
      if (eligibleCount.getOrDefault(t, 0) > 0) {
        degraded = t;
        break;
      }
    }

    int previous = s.activeTier;
    boolean forced = previous >= 0 && !s.eligibleSince.containsKey(previous);
    boolean onlyPinnedEndpoint = false;
    int chosen;
    String reason;
    Duration stableFor = null;
    if (s.pinnedEndpoint != null) {
      EndpointState pinned = endpointByName(s, s.pinnedEndpoint);
      onlyPinnedEndpoint = !eligibleOf(pinned, now).isEmpty();
      chosen = onlyPinnedEndpoint ? pinned.cfg.tier()
          : choiceWithoutPin(s, best, degraded, previous, settledBefore, now);
      reason = onlyPinnedEndpoint ? "pinned to endpoint " + pinned.cfg.name() + " by operator"
          : "pinned endpoint " + pinned.cfg.name() + " has no eligible address; normal policy applies";
    } else if (s.pinnedTier != null && eligibleCount.getOrDefault(s.pinnedTier, 0) > 0) {
      chosen = s.pinnedTier;
      reason = "pinned to tier " + chosen + " by operator";
    } else {
      chosen = choiceWithoutPin(s, best, degraded, previous, settledBefore, now);
      reason = s.pinnedTier != null ? "pinned tier " + s.pinnedTier + " has no eligible address; " : "";
      if (chosen < 0) {
        reason += "no tier has an eligible address";
      } else if (best == null) {
        reason += "no tier has " + cfg.minEligible() + " eligible addresses; tier " + chosen + " has some";
      } else if (previous >= 0 && chosen < previous && forced) {
        reason += "tier " + previous + " lost eligibility (" + tierWhyNot(s, previous, now) + "); tier " + chosen
            + " is eligible";
      } else if (previous >= 0 && chosen < previous && !settledBefore) {
        reason += "start-up: tier " + chosen + " has its first verdicts and is eligible";
      } else if (previous >= 0 && chosen < previous) {
        stableFor = Duration.ofMillis(now - s.eligibleSince.get(chosen));
        reason += "tier " + chosen + " eligible for " + stableFor.toMillis() + " ms, at least its failback window of "
            + failbackWindow(s, now).toMillis() + " ms";
      } else if (previous >= 0 && chosen > previous) {
        reason += "tier " + previous + " has " + eligibleCount.getOrDefault(previous, 0) + " of the " + cfg.minEligible()
            + " eligible addresses it needs: " + tierWhyNot(s, previous, now);
      } else if (best != null && best < chosen) {
        long since = s.eligibleSince.get(best);
        reason += "tier " + best + " eligible for " + (now - since) + " ms of its " + failbackWindow(s, now).toMillis()
            + " ms failback window";
      } else {
        reason += "tier " + chosen + " is the best eligible tier";
      }
    }

    // panic: nothing eligible anywhere
    // (not before the first verdicts: at start-up nothing is eligible yet, which is no emergency)
    boolean panicNow = chosen < 0 && cfg.panicMode() && s.settled;
    List<Target> targets = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    if (chosen < 0) {
      for (EndpointState ep : s.endpoints) {
        reasons.add(ep.describe() + ": " + endpointWhyNot(ep, now));
      }
    }
    long generation = s.generation;
    if (chosen >= 0) {
      for (EndpointState ep : s.endpoints) {
        if (ep.cfg.tier() == chosen && (!onlyPinnedEndpoint || ep.cfg.name().equals(s.pinnedEndpoint))) {
          addTarget(targets, s, ep, eligibleOf(ep, now), false);
        }
      }
      for (int t : s.tiers) {
        if (t != chosen) {
          for (EndpointState ep : s.endpoints) {
            if (ep.cfg.tier() == t) {
              addTarget(targets, s, ep, eligibleOf(ep, now), false);
            }
          }
        }
      }
    } else if (panicNow) {
      for (EndpointState ep : s.endpoints) {
        if (ep.cfg.tier() == lowest && !ep.drained && !ep.drilled) {
          List<AddressState> leastBad = new ArrayList<>(ep.addresses.values());
          leastBad.removeIf(a -> !trusted(ep, a)); // panic relaxes health, never trust
          leastBad.sort(Comparator.<AddressState>comparingInt(a -> a.ejected(now) ? 1 : 0)
              .thenComparingInt(a -> a.health == ResolverSnapshot.Health.UNKNOWN ? 0 : 1)
              .thenComparingInt(a -> a.consecutiveFail));
          addTarget(targets, s, ep, leastBad.stream().map(a -> a.address).toList(), true);
        }
      }
    }
    RoutingTable old = s.table;
    boolean changed = !sameTargets(old.targets, targets) || (targets.isEmpty() && !old.reasons.equals(reasons));
    if (changed) {
      generation = ++s.generation;
      List<Target> stamped = new ArrayList<>(targets.size());
      for (Target t : targets) {
        stamped.add(new Target(t.service(), t.endpoint(), t.tier(), t.host(), t.port(), t.addresses(),
            t.inetAddresses(), generation, t.panic(), t.credential()));
      }
      s.table = new RoutingTable(stamped, reasons, generation);
    }
    s.reason = reason;
    s.activeTier = targets.isEmpty() || panicNow ? -1 : chosen;
    announce(s, previous, s.activeTier, forced, panicNow, reasons, stableFor, reason, now);
    scheduleFailbackCheck(s, best, now);
    if (changed) {
      Optional<Target> first = Optional.ofNullable(s.table.first);
      for (Consumer<Optional<Target>> sub : s.subscribers) {
        events.dispatch(() -> sub.accept(first), "subscriber of " + cfg.name());
      }
    }
  }

  private int choiceWithoutPin(ServiceState s, Integer best, Integer degraded, int previous, boolean settled,
      long now) {
    if (best == null) {
      return degraded == null ? -1 : degraded;
    }
    if (previous < 0 || !settled) {
      return best;
    }
    if (!s.eligibleSince.containsKey(previous)) {
      return best; // the serving tier lost eligibility: fail over at once
    }
    if (best < previous) {
      long since = s.eligibleSince.get(best);
      return now - since >= failbackWindow(s, now).toMillis() ? best : previous;
    }
    return previous;
  }

  private EndpointState endpointByName(ServiceState s, String name) {
    return s.endpoints.stream().filter(e -> e.cfg.name().equals(name)).findFirst().orElseThrow();
  }

  private String tierWhyNot(ServiceState s, int tier, long now) {
    List<String> parts = new ArrayList<>();
    for (EndpointState ep : s.endpoints) {
      if (ep.cfg.tier() == tier) {
        parts.add(ep.cfg.name() + ": " + endpointWhyNot(ep, now));
      }
    }
    return String.join("; ", parts);
  }

  private void addTarget(List<Target> out, ServiceState s, EndpointState ep, List<InetSocketAddress> addresses,
      boolean panic) {
    if (addresses.isEmpty()) {
      return;
    }
    List<InetAddress> plain = addresses.stream().map(InetSocketAddress::getAddress).toList();
    out.add(new Target(s.cfg.name(), ep.cfg.name(), ep.cfg.tier(), ep.cfg.host(), ep.cfg.port(), addresses, plain,
        0, panic, ep.cfg.credential().isPresent() ? ep.handle : Optional.empty()));
  }

  private static boolean sameTargets(List<Target> a, List<Target> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      Target x = a.get(i);
      Target y = b.get(i);
      if (!x.endpoint().equals(y.endpoint()) || !x.addresses().equals(y.addresses()) || x.panic() != y.panic()
          || !credentialOf(x).equals(credentialOf(y))) {
        return false;
      }
    }
    return true;
  }

  private static String credentialOf(Target t) {
    return t.credential().map(io.github.failoverresolver.CredentialHandle::fingerprint).orElse("");
  }

  /** The failback window now: the base, multiplied for each further failover within the flap window. */
  Duration failbackWindow(ServiceState s, long now) {
    ServiceConfig cfg = s.cfg;
    while (!s.failovers.isEmpty() && s.failovers.peekFirst() <= now - cfg.flapWindow().toMillis()) {
      s.failovers.pollFirst();
    }
    int flaps = Math.max(0, s.failovers.size() - 1);
    double window = cfg.failbackStability().toMillis() * Math.pow(cfg.dampingFactor(), flaps);
    return Duration.ofMillis((long) Math.min(window, cfg.maxFailbackStability().toMillis()));
  }

  private void scheduleFailbackCheck(ServiceState s, Integer best, long now) {
    if (s.evaluation != null) {
      s.evaluation.cancel(false);
      s.evaluation = null;
    }
    if (best != null && s.activeTier > best && s.settled) {
      long due = s.eligibleSince.get(best) + failbackWindow(s, now).toMillis();
      long delay = Math.max(0, due - now);
      s.evaluation = scheduler.schedule(() -> control.execute(() -> evaluate(s)), delay, TimeUnit.MILLISECONDS);
    }
  }

  private void announce(ServiceState s, int previous, int now, boolean forced, boolean panic, List<String> reasons, Duration stableFor,
      String reason, long nowMillis) {
    Instant at = Instant.ofEpochMilli(nowMillis);
    String name = s.cfg.name();
    if (panic != s.panic) {
      s.panic = panic;
      events.publish(panic ? new FailoverEvent.PanicEntered(at, name, "no tier has an eligible address: "
          + String.join("; ", reasons))
          : new FailoverEvent.PanicLeft(at, name, reason));
    }
    boolean unavailable = s.table.first == null;
    if (unavailable && !s.unavailable && previous >= 0) {
      events.publish(new FailoverEvent.ServiceUnavailable(at, name, reasons));
    }
    s.unavailable = unavailable;
    if (previous >= 0 && now >= 0 && now != previous) {
      String endpoint = s.table.first == null ? "" : s.table.first.endpoint();
      if (now > previous || forced) {
        if (now > previous) {
          s.failovers.addLast(nowMillis); // a flap of the better tier: lengthens its next failback window
        }
        s.settled = true;
        events.publish(new FailoverEvent.Failover(at, name, previous, now, endpoint, reason));
      } else if (stableFor != null) {
        events.publish(new FailoverEvent.Failback(at, name, previous, now, endpoint, stableFor, reason));
      }
    }
  }

  // ---- snapshot -----------------------------------------------------------------------------

  private ResolverSnapshot buildSnapshot() {
    long now = clock.millis();
    List<ResolverSnapshot.Service> out = new ArrayList<>();
    for (ServiceState s : services.values()) {
      List<ResolverSnapshot.Endpoint> eps = new ArrayList<>();
      for (EndpointState ep : s.endpoints) {
        List<ResolverSnapshot.Address> addrs = new ArrayList<>();
        for (AddressState a : ep.addresses.values()) {
          addrs.add(new ResolverSnapshot.Address(a.label, a.health, eligible(ep, a, now),
              a.ejected(now) ? Optional.of(Instant.ofEpochMilli(a.ejectedUntil)) : Optional.empty(), a.ejections,
              a.consecutiveFail,
              a.lastChecked == Long.MIN_VALUE ? Optional.empty() : Optional.of(Instant.ofEpochMilli(a.lastChecked)),
              a.detail, ep.cfg.tls().isEmpty() ? Optional.empty()
                  : Optional.of(new ResolverSnapshot.Tls(a.tls.verdict().status().name(), a.tls.verdict().reason(),
                      a.tls.issuer(), a.tls.leafSha256(), a.tls.notAfter()))));
        }
        eps.add(new ResolverSnapshot.Endpoint(ep.cfg.name(), ep.cfg.tier(), !eligibleOf(ep, now).isEmpty(),
            ep.drained, ep.cfg.check().map(Object::toString).orElse("none (passive only)"), ep.dns,
            credentialSummary(ep), addrs));
      }
      Optional<String> pin = s.pinnedEndpoint != null ? Optional.of("endpoint " + s.pinnedEndpoint)
          : s.pinnedTier != null ? Optional.of("tier " + s.pinnedTier) : Optional.empty();
      out.add(new ResolverSnapshot.Service(s.cfg.name(), s.activeTier, s.panic, s.generation, s.reason, pin, eps));
    }
    return new ResolverSnapshot(Instant.ofEpochMilli(now), out);
  }

  private String credentialSummary(EndpointState ep) {
    if (ep.cfg.credential().isEmpty()) {
      return "none";
    }
    String who = ep.handle.map(Object::toString).orElse("credential");
    String shared = ep.shared ? "; SHARED with a better tier" + (ep.service.cfg.blockSharedCredentials()
        ? " (blocked)" : "") : "";
    return who + ": " + ep.credential.status() + ", " + ep.credential.reason() + shared;
  }

  // ---- plumbing -----------------------------------------------------------------------------

  /** Hands blocking work to the check executor; false when it refused (all threads busy, or closed). */
  private boolean runIo(Runnable task, String what) {
    try {
      checks.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      if (!closed) {
        log.warn("{} not run: every check thread is busy", what);
      }
      return false;
    }
  }

  public SerialExecutor control() {
    return control;
  }

  public void close() {
    closed = true;
    control.call(() -> {
      for (ServiceState s : services.values()) {
        if (s.evaluation != null) {
          s.evaluation.cancel(false);
        }
        for (EndpointState ep : s.endpoints) {
          if (ep.nextTrust != null) {
            ep.nextTrust.cancel(false);
          }
          for (AddressState a : ep.addresses.values()) {
            if (a.nextCheck != null) {
              a.nextCheck.cancel(false);
            }
          }
        }
        s.subscribers.clear();
      }
      return null;
    }, CALL_TIMEOUT_MS);
    synchronized (dnsTimers) {
      dnsTimers.forEach(f -> f.cancel(false));
    }
  }
}

package io.github.failoverresolver;

import static io.github.failoverresolver.internal.Settings.atLeast;
import static io.github.failoverresolver.internal.Settings.notNegative;
import static io.github.failoverresolver.internal.Settings.positive;

import io.github.failoverresolver.internal.DaemonThreads;
import io.github.failoverresolver.internal.EventDispatcher;
import io.github.failoverresolver.internal.MonotonicClock;
import io.github.failoverresolver.internal.dns.DnsEngine;
import io.github.failoverresolver.internal.dns.ServerSpecs;
import io.github.failoverresolver.internal.engine.EndpointConfig;
import io.github.failoverresolver.internal.engine.Engine;
import io.github.failoverresolver.internal.engine.ServiceConfig;
import io.github.failoverresolver.internal.report.Independence;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The library's facade: knows every endpoint of every service, resolves and checks them itself, and
 * answers {@link #select(String)} at once with a verified target. Thread-safe: {@code select} and
 * {@code resolve} read an immutable routing table without a lock and never wait for DNS or a check; all
 * state changes happen on one serial control loop. {@link #close()} stops every thread it started.
 */
public final class FailoverResolver implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FailoverResolver.class);

  private final Engine engine;
  private final DnsCache dns;
  private final DnsEngine dnsEngine;
  private final EventDispatcher events;
  private final List<ExecutorService> owned;
  private final Clock clock;
  private final ScheduledExecutorService timers;
  private final List<LiveDrill> drills = new ArrayList<>();
  private volatile boolean closed;

  private FailoverResolver(Engine engine, DnsCache dns, DnsEngine dnsEngine, EventDispatcher events,
      List<ExecutorService> owned, Clock clock, ScheduledExecutorService timers) {
    this.clock = clock;
    this.timers = timers;
    this.engine = engine;
    this.dns = dns;
    this.dnsEngine = dnsEngine;
    this.events = events;
    this.owned = owned;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The target to use for {@code service} now: the serving tier's best endpoint with its eligible
   * addresses. Never blocks, does no I/O and, once warm, allocates nothing.
   *
   * @throws NoEligibleTargetException listing each endpoint and why it is not eligible
   * @throws IllegalArgumentException for a service that is not configured
   */
  public Target select(String service) {
    return engine.select(service);
  }

  /** Every eligible endpoint of {@code service} in preference order (the first is {@link #select}'s). */
  public List<Target> targets(String service) {
    return engine.targets(service);
  }

  /**
   * The addresses to connect to for {@code host}: the eligible addresses of the endpoint(s) with that
   * host name, or, for any other host, the cached DNS answer.
   *
   * @throws UnknownHostException naming the host and why it has no usable address
   */
  public List<InetAddress> resolve(String host) throws UnknownHostException {
    List<InetAddress> endpoint = engine.resolve(host);
    return endpoint != null ? endpoint : dns.addresses(host);
  }

  /** The eligible addresses of the endpoint(s) named {@code host}, or null when no endpoint has that host. */
  public List<InetAddress> endpointAddresses(String host) throws UnknownHostException {
    return engine.resolve(host);
  }

  /**
   * Tells the resolver what using {@code address} of {@code target} produced. Failures take effect before
   * this returns: an address they eject is not in the next {@code select}.
   */
  public void report(Target target, InetSocketAddress address, Outcome outcome) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(outcome, "outcome");
    engine.report(target, address, outcome);
  }

  /**
   * Records an outcome for {@code address} wherever it is an endpoint's address (for clients that know
   * only the socket address, such as an HTTP client's connection events). Failures apply before return.
   */
  public void report(InetSocketAddress address, Outcome outcome) {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(outcome, "outcome");
    engine.reportAddress(address, outcome);
  }

  /** The names of the configured services. */
  public Set<String> services() {
    return engine.serviceNames();
  }

  /**
   * Calls {@code listener} with the current target of {@code service} (empty when none is eligible) and
   * again each time it changes, on the event thread; a listener that throws is logged and skipped.
   */
  public Subscription subscribe(String service, Consumer<Optional<Target>> listener) {
    return engine.subscribe(service, Objects.requireNonNull(listener, "listener"));
  }

  /** How many subscriptions {@code service} has (for leak checks). */
  public int subscriberCount(String service) {
    return engine.subscriberCount(service);
  }

  /** Every service, endpoint and address with its state and the reason for it. */
  public ResolverSnapshot snapshot() {
    return engine.snapshot();
  }

  /** Operator override: serve {@code tier} while it has any eligible address. */
  public void pin(String service, int tier) {
    engine.pinTier(service, tier);
  }

  /** Operator override: serve only {@code endpoint} while it has any eligible address. */
  public void pinEndpoint(String service, String endpoint) {
    engine.pinEndpoint(service, endpoint);
  }

  public void unpin(String service) {
    engine.unpin(service);
  }

  /** Operator override: take {@code endpoint} out of service (drained) or put it back. */
  public void drain(String service, String endpoint, boolean drained) {
    engine.drain(service, endpoint, drained);
  }

  /**
   * The independence report of {@code service}: each backup endpoint compared with the primary tier for
   * shared addresses and networks, name servers, DNS provider, CA and certificate, and credential.
   */
  public List<Finding> independence(String service) {
    ResolverSnapshot.Service s = snapshot().service(service)
        .orElseThrow(() -> new IllegalArgumentException("unknown service '" + service + "'; configured: "
            + services()));
    return Independence.findings(s, dns);
  }

  /** Every service's readiness to fail over, with a verdict; see {@link ReadinessReport#toText()}. */
  public ReadinessReport readiness() {
    ResolverSnapshot snap = snapshot();
    List<ReadinessReport.ServiceReport> out = new ArrayList<>();
    for (ResolverSnapshot.Service s : snap.services()) {
      List<Finding> findings = Independence.findings(s, dns);
      List<String> reasons = new ArrayList<>();
      ReadinessReport.Verdict verdict = ReadinessReport.Verdict.READY;
      int lowest = s.endpoints().stream().mapToInt(ResolverSnapshot.Endpoint::tier).min().orElse(0);
      if (s.activeTier() < 0 || s.panic()) {
        verdict = ReadinessReport.Verdict.NOT_READY;
        reasons.add(s.panic() ? "panic mode: no eligible address anywhere" : "no eligible target: " + s.reason());
      } else {
        if (s.activeTier() != lowest) {
          verdict = ReadinessReport.Verdict.DEGRADED;
          reasons.add("serving from backup tier " + s.activeTier() + ": " + s.reason());
        }
        boolean hasBackups = s.endpoints().stream().anyMatch(e -> e.tier() != lowest);
        boolean backupUp = s.endpoints().stream().anyMatch(e -> e.tier() != lowest && e.up());
        if (hasBackups && !backupUp) {
          verdict = ReadinessReport.Verdict.DEGRADED;
          reasons.add("no backup endpoint is eligible: a primary failure would leave nothing");
        }
        if (findings.stream().anyMatch(f -> f.severity() == Finding.Severity.CRITICAL)) {
          verdict = ReadinessReport.Verdict.DEGRADED;
          reasons.add("a backup shares a critical fault domain with the primary (see independence)");
        }
      }
      List<ReadinessReport.EndpointReport> eps = new ArrayList<>();
      for (ResolverSnapshot.Endpoint e : s.endpoints()) {
        long eligible = e.addresses().stream().filter(ResolverSnapshot.Address::eligible).count();
        String why = e.addresses().stream().filter(a -> !a.eligible()).findFirst()
            .map(a -> ": " + a.address() + " " + a.detail()).orElse("");
        String cert = e.addresses().stream().map(ResolverSnapshot.Address::tls).flatMap(Optional::stream).findFirst()
            .map(t -> t.verdict() + ", " + t.notAfter().map(n -> Duration.between(snap.at(), n).toDays() + " days left")
                .orElse("") + ", " + t.reason())
            .orElse("none");
        eps.add(new ReadinessReport.EndpointReport(e.name(), e.tier(), e.up(), e.dns(),
            eligible + "/" + e.addresses().size() + " eligible" + (e.drained() ? " (drained)" : "") + why,
            e.credential(), cert));
      }
      out.add(new ReadinessReport.ServiceReport(s.name(), verdict, reasons, s.activeTier(), eps, findings));
    }
    return new ReadinessReport(snap.at(), out);
  }

  /** Dry run: if the primary tier of {@code service} died now, where would traffic go, and is it ready? */
  public DrillPlan drill(String service) {
    ServiceConfig cfg = engine.config(service);
    int lowest = cfg.endpoints().get(0).tier();
    Optional<Target> next = targets(service).stream().filter(t -> t.tier() != lowest).findFirst();
    ResolverSnapshot.Service snap = snapshot().service(service).orElseThrow();
    List<String> evidence = new ArrayList<>();
    next.ifPresent(t -> snap.endpoint(t.endpoint()).ifPresent(e -> {
      long eligible = e.addresses().stream().filter(ResolverSnapshot.Address::eligible).count();
      evidence.add("health: " + eligible + "/" + e.addresses().size() + " addresses eligible (" + e.check() + ")");
      evidence.add("credential: " + e.credential());
      e.addresses().stream().map(ResolverSnapshot.Address::tls).flatMap(Optional::stream).findFirst()
          .ifPresent(tls -> evidence.add("certificate: " + tls.verdict() + ", " + tls.reason()));
      evidence.add("dns: " + e.dns());
    }));
    if (next.isEmpty()) {
      evidence.add("no endpoint outside tier " + lowest + " is eligible now");
    }
    List<Finding> findings = Independence.findings(snap, dns).stream()
        .filter(f -> next.map(t -> f.backupEndpoint().equals(t.endpoint())).orElse(false)).toList();
    Duration active = Duration.ZERO;
    for (EndpointConfig e : cfg.endpoints()) {
      if (e.tier() == lowest && e.check().isPresent()) {
        Duration one = Duration.ofMillis((long) (e.interval().toMillis() * (1 + e.jitter())))
            .multipliedBy(e.unhealthyThreshold()).plus(e.timeout());
        active = one.compareTo(active) > 0 ? one : active;
      }
    }
    boolean ready = next.isPresent() && findings.stream().noneMatch(f -> f.severity() == Finding.Severity.CRITICAL);
    return new DrillPlan(service, next, ready, evidence, findings, Duration.ZERO, active);
  }

  /**
   * Live drill: takes the primary tier of {@code service} out of service for {@code duration}, then puts it
   * back (also on {@link LiveDrill#close()} and when the resolver closes), and reports what happened.
   */
  public LiveDrill startDrill(String service, Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative() || duration.isZero() || duration.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("drill duration=" + duration + ": must be positive and at most 1 h");
    }
    engine.config(service); // unknown service: fail here
    LiveDrillImpl drill = new LiveDrillImpl(service);
    synchronized (drills) {
      drills.add(drill);
    }
    events.add(drill);
    engine.drillOut(service, true);
    drill.timer = timers.schedule(drill::close, duration.toMillis(), TimeUnit.MILLISECONDS);
    return drill;
  }

  private final class LiveDrillImpl implements LiveDrill, FailoverListener {
    final String service;
    final java.time.Instant started = java.time.Instant.ofEpochMilli(clock.millis()); // events carry millis
    final List<FailoverEvent> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile LiveDrill.Report report;
    volatile java.util.concurrent.ScheduledFuture<?> timer;

    LiveDrillImpl(String service) {
      this.service = service;
    }

    @Override
    public void onEvent(FailoverEvent event) {
      seen.add(event);
    }

    @Override
    public synchronized void close() {
      if (report != null) {
        return;
      }
      if (timer != null) {
        timer.cancel(false);
      }
      try {
        engine.drillOut(service, false); // always restore
      } finally {
        events.remove(this);
        java.time.Instant ended = java.time.Instant.ofEpochMilli(clock.millis());
        Optional<FailoverEvent.Failover> failover = seen.stream()
            .filter(e -> e instanceof FailoverEvent.Failover f && f.service().equals(service))
            .map(FailoverEvent.Failover.class::cast).findFirst();
        int failures = (int) seen.stream().filter(e -> (e instanceof FailoverEvent.AddressEjected
            || e instanceof FailoverEvent.AddressDown)).count();
        report = new LiveDrill.Report(service, started, ended,
            failover.map(f -> Duration.between(started, f.at())), failover.map(FailoverEvent.Failover::toEndpoint),
            failures, seen);
        synchronized (drills) {
          drills.remove(this);
        }
      }
    }

    @Override
    public boolean finished() {
      return report != null;
    }

    @Override
    public Optional<LiveDrill.Report> report() {
      return Optional.ofNullable(report);
    }
  }

  /** The resolver's own DNS cache, for hosts that are not endpoints. */
  public DnsCache dns() {
    return dns;
  }

  /** Stops checks, DNS refreshes and every thread the resolver started; idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    List<LiveDrill> running;
    synchronized (drills) {
      running = new ArrayList<>(drills);
    }
    running.forEach(LiveDrill::close); // a live drill never outlives its resolver: tier 0 is restored
    closed = true;
    engine.close();
    dnsEngine.close();
    for (ExecutorService es : owned) {
      es.shutdownNow();
    }
    for (ExecutorService es : owned) {
      try {
        if (!es.awaitTermination(5, TimeUnit.SECONDS)) {
          log.warn("a resolver thread did not stop within 5 s (a hung health check?)");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    events.close();
  }

  @Override
  public String toString() {
    return "FailoverResolver" + (closed ? "(closed)" : "");
  }

  /** Collects the configuration; {@link #build()} validates it all and starts the resolver. Not thread-safe. */
  public static final class Builder {
    private DnsSettings dns;
    private final Map<String, ServiceBuilder> services = new LinkedHashMap<>();
    private final List<String> duplicates = new ArrayList<>();
    private final List<FailoverListener> listeners = new ArrayList<>();
    private Clock clock = MonotonicClock.get();
    private ScheduledExecutorService scheduler;
    private Executor checkExecutor;
    private Executor controlExecutor;
    private Executor listenerExecutor;
    private RandomGenerator random = RandomGenerator.getDefault();
    private Duration dnsRefresh = Duration.ofSeconds(1);

    private Builder() {}

    /** How names are resolved; default: the system resolver alone. */
    public Builder dns(DnsSettings settings) {
      this.dns = Objects.requireNonNull(settings, "dns");
      return this;
    }

    /** Adds a service: its tiers of endpoints and its policy. */
    public Builder service(String name, Consumer<ServiceBuilder> service) {
      Objects.requireNonNull(name, "service name");
      ServiceBuilder b = new ServiceBuilder();
      Objects.requireNonNull(service, "service").accept(b);
      if (services.putIfAbsent(name, b) != null) {
        duplicates.add(name);
      }
      return this;
    }

    public Builder listener(FailoverListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Time for checks, TTLs, ejections and damping; default: wall time advanced monotonically. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Timers (check rounds, timeouts, failback windows); default: one daemon thread of ours. */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Runs health checks and DNS lookups (blocking I/O); default: a bounded pool of daemon threads. */
    public Builder checkExecutor(Executor executor) {
      this.checkExecutor = Objects.requireNonNull(executor, "checkExecutor");
      return this;
    }

    /** Where the serial control loop runs; default: one daemon thread of ours. */
    public Builder controlExecutor(Executor executor) {
      this.controlExecutor = Objects.requireNonNull(executor, "controlExecutor");
      return this;
    }

    /** Where listeners and subscribers run; default: one daemon thread of ours. */
    public Builder listenerExecutor(Executor executor) {
      this.listenerExecutor = Objects.requireNonNull(executor, "listenerExecutor");
      return this;
    }

    /** Randomness for check jitter (seed it in tests). */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** How often endpoint host names are looked up again in the DNS cache (cheap: the cache refreshes ahead). */
    public Builder dnsRefresh(Duration interval) {
      this.dnsRefresh = interval;
      return this;
    }

    /** Validates everything (errors name the key and value), then starts resolving and checking. */
    public FailoverResolver build() {
      if (!duplicates.isEmpty()) {
        throw new IllegalArgumentException("service '" + duplicates.get(0) + "' is configured twice");
      }
      if (dnsRefresh == null || dnsRefresh.isNegative() || dnsRefresh.isZero()) {
        throw new IllegalArgumentException("dnsRefresh=" + dnsRefresh + ": must be a positive duration");
      }
      List<ServiceConfig> configs = new ArrayList<>();
      for (Map.Entry<String, ServiceBuilder> e : services.entrySet()) {
        configs.add(validate(e.getKey(), e.getValue()));
      }
      DnsSettings dnsSettings = dns != null ? dns : DnsSettings.systemDefault();

      List<ExecutorService> owned = new ArrayList<>();
      ScheduledExecutorService timers = scheduler;
      if (timers == null) {
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, new DaemonThreads("scheduler"));
        s.setRemoveOnCancelPolicy(true);
        timers = s;
        owned.add(s);
      }
      Executor io = checkExecutor;
      if (io == null) {
        // bounded: a hung check holds one thread, and its address gets no second one (checks never overlap)
        ThreadPoolExecutor pool = new ThreadPoolExecutor(0, 32, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
            new DaemonThreads("check"), new ThreadPoolExecutor.AbortPolicy());
        io = pool;
        owned.add(pool);
      }
      Executor loop = controlExecutor;
      if (loop == null) {
        ThreadPoolExecutor single = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new java.util.concurrent.LinkedBlockingQueue<>(), new DaemonThreads("control"));
        loop = single;
        owned.add(single);
      }
      EventDispatcher events = listenerExecutor == null
          ? EventDispatcher.ownThread(10_000)
          : EventDispatcher.on(listenerExecutor);
      listeners.forEach(events::add);
      DnsEngine dnsEngine = new DnsEngine(dnsSettings, clock, timers, io, events, false);
      DnsCache cache = DnsCache.wrap(dnsEngine, random);
      Engine engine = new Engine(configs, clock, timers, io, loop, dnsEngine, events, random, dnsRefresh);
      FailoverResolver resolver = new FailoverResolver(engine, cache, dnsEngine, events, owned, clock, timers);
      engine.start();
      return resolver;
    }

    private static ServiceConfig validate(String name, ServiceBuilder b) {
      if (name.isBlank() || !name.equals(name.strip()) || name.contains("/")) {
        throw new IllegalArgumentException("service name '" + name + "': must be non-blank, without spaces or '/'");
      }
      String key = "service[" + name + "]";
      if (b.endpoints.isEmpty()) {
        throw new IllegalArgumentException(key + ": no endpoints; add one with tier(0, \"host:port\")");
      }
      List<EndpointConfig> endpoints = new ArrayList<>();
      Set<String> seen = new HashSet<>();
      for (ServiceBuilder.EndpointEntry e : b.endpoints) {
        String ek = key + ".tier[" + e.tier() + "].endpoint[" + e.spec() + "]";
        if (e.tier() < 0) {
          throw new IllegalArgumentException(ek + ": tier must be 0 or more");
        }
        EndpointConfig ep = endpoint(ek, e);
        if (!seen.add(ep.name())) {
          throw new IllegalArgumentException(ek + ": endpoint configured twice in service '" + name + "'");
        }
        endpoints.add(ep);
      }
      endpoints.sort(java.util.Comparator.comparingInt(EndpointConfig::tier));
      atLeast(key + ".minEligible", b.minEligible, 1);
      notNegative(key + ".failbackStability", b.failbackStability);
      if (!(b.dampingFactor >= 1.0) || Double.isInfinite(b.dampingFactor)) {
        throw new IllegalArgumentException(key + ".dampingFactor=" + b.dampingFactor + ": must be at least 1");
      }
      notNegative(key + ".maxFailbackStability", b.maxFailbackStability);
      if (b.maxFailbackStability.compareTo(b.failbackStability) < 0) {
        throw new IllegalArgumentException(key + ".maxFailbackStability=" + b.maxFailbackStability
            + " is less than " + key + ".failbackStability=" + b.failbackStability);
      }
      positive(key + ".flapWindow", b.flapWindow);
      atLeast(key + ".ejectAfterFailures", b.ejectAfterFailures, 1);
      atLeast(key + ".ejectAfterConnectFailures", b.ejectAfterConnectFailures, 1);
      positive(key + ".baseEjection", b.baseEjection);
      positive(key + ".maxEjection", b.maxEjection);
      if (b.maxEjection.compareTo(b.baseEjection) < 0) {
        throw new IllegalArgumentException(key + ".maxEjection=" + b.maxEjection + " is less than " + key
            + ".baseEjection=" + b.baseEjection);
      }
      positive(key + ".trustInterval", b.trustInterval);
      return new ServiceConfig(name, endpoints, b.minEligible, b.failbackStability, b.dampingFactor,
          b.maxFailbackStability, b.flapWindow, b.panicMode, b.ejectAfterFailures, b.ejectAfterConnectFailures,
          b.baseEjection, b.maxEjection, b.trustInterval, b.blockSharedCredentials, b.requireIndependence);
    }

    private static EndpointConfig endpoint(String key, ServiceBuilder.EndpointEntry e) {
      String spec = Objects.requireNonNullElse(e.spec(), "").strip();
      String host;
      String port;
      if (spec.startsWith("[")) {
        int close = spec.indexOf("]:");
        if (close < 0) {
          throw new IllegalArgumentException(key + ": expected [ipv6]:port");
        }
        host = spec.substring(1, close);
        port = spec.substring(close + 2);
      } else {
        int colon = spec.lastIndexOf(':');
        if (colon <= 0 || spec.indexOf(':') != colon) {
          throw new IllegalArgumentException(key + ": expected host:port");
        }
        host = spec.substring(0, colon);
        port = spec.substring(colon + 1);
      }
      int portNumber;
      try {
        portNumber = Integer.parseInt(port);
      } catch (NumberFormatException ex) {
        throw new IllegalArgumentException(key + ": port '" + port + "' is not a number");
      }
      if (portNumber < 1 || portNumber > 65535) {
        throw new IllegalArgumentException(key + ": port " + portNumber + " is out of range 1..65535");
      }
      Optional<InetAddress> literal = ServerSpecs.ipLiteral(host);
      String normalized = host.toLowerCase(Locale.ROOT);
      if (normalized.endsWith(".")) {
        normalized = normalized.substring(0, normalized.length() - 1);
      }
      if (literal.isEmpty()) {
        try {
          DnsEngine.parseName(normalized);
        } catch (io.github.failoverresolver.DnsLookupException bad) {
          throw new IllegalArgumentException(key + ": '" + host + "' is not a valid host name: " + bad.getMessage());
        }
      }
      EndpointBuilder b = e.builder();
      positive(key + ".interval", b.interval);
      positive(key + ".timeout", b.timeout);
      if (!(b.jitter >= 0 && b.jitter <= 1)) {
        throw new IllegalArgumentException(key + ".jitter=" + b.jitter + ": must be within 0..1");
      }
      atLeast(key + ".healthyThreshold", b.healthyThreshold, 1);
      atLeast(key + ".unhealthyThreshold", b.unhealthyThreshold, 1);
      notNegative(key + ".credentialWarnWithin", b.credentialWarnWithin);
      notNegative(key + ".credentialBlockWithin", b.credentialBlockWithin);
      if (b.credentialMaxAge.isPresent()) {
        positive(key + ".credentialMaxAge", b.credentialMaxAge.get());
      }
      if (b.tls.isPresent()) {
        notNegative(key + ".tls.warnWithin", b.tls.get().warnWithin());
        notNegative(key + ".tls.blockWithin", b.tls.get().blockWithin());
      }
      String name = (normalized.contains(":") ? "[" + normalized + "]" : normalized) + ":" + portNumber;
      return new EndpointConfig(name, e.tier(), normalized, portNumber, literal, b.check, b.interval, b.timeout,
          b.jitter, b.healthyThreshold, b.unhealthyThreshold, b.tls, b.credential, b.credentialWarnWithin,
          b.credentialBlockWithin, b.credentialMaxAge);
    }
  }
}

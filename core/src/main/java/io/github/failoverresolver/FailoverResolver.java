package io.github.failoverresolver;

import io.github.failoverresolver.internal.EventDispatcher;
import io.github.failoverresolver.internal.OwnedExecutors;
import io.github.failoverresolver.internal.config.SettingException;
import io.github.failoverresolver.internal.config.SettingValues;
import io.github.failoverresolver.internal.dns.DnsEngine;
import io.github.failoverresolver.internal.engine.ControlLoop;
import io.github.failoverresolver.internal.engine.ServiceConfig;
import io.github.failoverresolver.internal.report.Drills;
import io.github.failoverresolver.internal.report.Independence;
import io.github.failoverresolver.internal.report.LiveDrillRun;
import io.github.failoverresolver.internal.report.Readiness;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The library's facade: knows every endpoint of every service, resolves and checks them itself, and
 * answers {@link #select(String)} at once with a verified target. Thread-safe: {@code select} and
 * {@code resolve} read an immutable routing table without a lock and never wait for DNS or a check; all
 * state changes happen on one serial control loop. {@link #close()} stops every thread it started.
 */
public final class FailoverResolver implements AutoCloseable {

  private final ControlLoop engine;
  /** The engine's outcome reports, held here: report(address, outcome) is a client's per-response call. */
  private final io.github.failoverresolver.internal.engine.OutcomeReports reports;
  private final DnsCache dns;
  private final DnsEngine dnsEngine;
  private final EventDispatcher events;
  private final OwnedExecutors owned;
  private final SettingValues resolverSettings;
  private final Clock clock;
  private final ScheduledExecutorService timers;
  private final List<LiveDrillRun> drills = new ArrayList<>();
  private final Map<String, RetryBudget> retryBudgets = new java.util.HashMap<>();
  private final io.github.failoverresolver.internal.engine.Sessions sessions;
  private volatile boolean closed;

  private FailoverResolver(ControlLoop engine, DnsCache dns, DnsEngine dnsEngine, EventDispatcher events,
      OwnedExecutors owned, Clock clock, ScheduledExecutorService timers, SettingValues resolverSettings) {
    this.resolverSettings = resolverSettings;
    this.clock = clock;
    this.timers = timers;
    this.engine = engine;
    this.reports = engine.reports();
    this.dns = dns;
    this.dnsEngine = dnsEngine;
    this.events = events;
    this.owned = owned;
    this.sessions = new io.github.failoverresolver.internal.engine.Sessions(engine, events, clock);
    for (String service : engine.serviceNames()) {
      ServiceConfig cfg = engine.config(service);
      retryBudgets.put(service, new RetryBudget(service, cfg.get(Setting.RETRY_BUDGET_RATIO),
          cfg.get(Setting.RETRY_BUDGET_MIN_PER_SECOND), cfg.get(Setting.RETRY_BUDGET_WINDOW), clock, events::publish));
    }
  }

  /**
   * The session credential to attach to a request to {@code target}, when its endpoint has a
   * {@link EndpointBuilder#sessionLogin}: obtained on this thread by the first request that needs it
   * (concurrent ones wait for that one login), anew after every cutover of the service onto that endpoint
   * ({@link FailoverEvent.CutoverReauthenticated}) and when it expires. Empty for other endpoints (their
   * {@link Target#credential()} applies). Blocks at most the endpoint's timeout times five (at least 5 s).
   *
   * @throws java.io.IOException when the login failed or took too long (the request should fail with it)
   */
  public Optional<CredentialHandle> sessionCredential(Target target) throws java.io.IOException {
    return sessions.credential(Objects.requireNonNull(target, "target"));
  }

  /**
   * The retry budget of {@code service}, shared by every client of this resolver: count each request with
   * {@link RetryBudget#request()} and ask {@link RetryBudget#tryRetry()} before each retry.
   */
  public RetryBudget retryBudget(String service) {
    RetryBudget b = retryBudgets.get(service);
    if (b == null) {
      throw new IllegalArgumentException("unknown service '" + service + "'; configured: " + services());
    }
    return b;
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
   * The endpoint of {@code service} that owns {@code address}, whatever that address's health now, as a
   * target of that one address with the endpoint's credential: for attaching the right credential to a
   * call already bound to an address (a call in flight to a primary that is being left still gets the
   * primary's credential). Empty when no endpoint of the service has the address.
   *
   * @throws IllegalArgumentException for a service that is not configured
   */
  public Optional<Target> endpointAt(String service, InetSocketAddress address) {
    Objects.requireNonNull(address, "address");
    return engine.endpointAt(service, address);
  }

  /**
   * The addresses to connect to for {@code host}: the eligible addresses of the endpoint(s) with that
   * host name, or, for any other host, the cached DNS answer.
   *
   * @throws UnknownHostException naming the host and why it has no usable address
   */
  public List<InetAddress> resolve(String host) throws UnknownHostException {
    Optional<List<InetAddress>> endpoint = engine.resolve(host);
    return endpoint.isPresent() ? endpoint.get() : dns.addresses(host);
  }

  /**
   * The addresses of the endpoint(s) named {@code host}, from the same routing table as {@link #select}
   * (the eligible ones, or panic mode's); empty when no endpoint has that host.
   *
   * @throws UnknownHostException when it is an endpoint's host with no address to hand out, with every reason
   */
  public Optional<List<InetAddress>> endpointAddresses(String host) throws UnknownHostException {
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
    engine.report(Optional.of(target), address, outcome);
  }

  /**
   * Records an outcome for {@code address} wherever it is an endpoint's address (for clients that know
   * only the socket address, such as an HTTP client's connection events). Failures apply before return.
   */
  public void report(InetSocketAddress address, Outcome outcome) {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(outcome, "outcome");
    reports.report(address, outcome);
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
    engine.pinTier(service, Optional.of(tier));
  }

  /** Operator override: serve only {@code endpoint} while it has any eligible address. */
  public void pinEndpoint(String service, String endpoint) {
    engine.pinEndpoint(service, endpoint);
  }

  /** Removes an operator's pin. */
  public void unpin(String service) {
    engine.pinTier(service, Optional.empty());
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
    List<Finding> findings = new ArrayList<>(Independence.findings(s, dns));
    findings.addAll(Readiness.accessFindings(s)); // an endpoint that lets anyone in is critical here too
    return findings;
  }

  /** Every service's readiness to fail over, with a verdict; see {@link ReadinessReport#toText()}. */
  public ReadinessReport readiness() {
    return Readiness.of(snapshot(), dns, service -> engine.config(service).get(Setting.TTL_WARN_ABOVE));
  }

  /**
   * Dry run: if the primary tier of {@code service} died now, where would traffic go, and is it ready? The
   * answer comes from the failover policy itself, run on the current facts with the primary tier taken out,
   * exactly as {@link #startDrill} takes it out.
   */
  public DrillPlan drill(String service) {
    ServiceConfig cfg = engine.config(service);
    Optional<Target> next = engine.drillTarget(service);
    return Drills.plan(cfg, next, snapshot().service(service).orElseThrow(), dns);
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
    LiveDrillRun[] self = new LiveDrillRun[1];
    LiveDrillRun drill = new LiveDrillRun(service, clock, events, out -> engine.drillOut(service, out), () -> {
      synchronized (drills) {
        drills.remove(self[0]);
      }
    });
    self[0] = drill;
    synchronized (drills) {
      drills.add(drill);
    }
    drill.start(end -> timers.schedule(end, duration.toMillis(), TimeUnit.MILLISECONDS));
    return drill;
  }

  /**
   * The value in force of any setting of the table: {@code service} names the service (SERVICE, ENDPOINT
   * scopes) and {@code endpoint} the endpoint (ENDPOINT scope); both are ignored for the other scopes.
   */
  public <T> T setting(Setting<T> setting, String service, String endpoint) {
    return switch (setting.scope()) {
      case DNS -> dns.settings().get(setting);
      case RESOLVER -> resolverSettings.get(setting);
      case SERVICE -> engine.config(service).get(setting);
      case ENDPOINT -> engine.endpointConfig(service, endpoint).or(() -> engine.config(service).endpoints().stream()
              .filter(e -> e.name().equals(endpoint)).findFirst())
          .orElseThrow(() -> new IllegalArgumentException("service '" + service + "' has no endpoint '" + endpoint
              + "'"))
          .get(setting);
    };
  }

  /** The resolver's counters: checks by result and their time, probes skipped, DNS. Lock-free, any thread. */
  public ResolverStats stats() {
    var checks = engine.checks();
    long[] r = checks.results();
    return new ResolverStats(checks.probesStarted(), checks.probesSkipped(), r[0], r[1], r[2], Duration.ofMillis(r[3]),
        dns.stats());
  }

  /**
   * Adds a listener of every {@link FailoverEvent} from now on (as {@link Builder#listener} does at build),
   * for components created after the resolver, such as a metrics binder. Cancel the returned subscription
   * to remove it.
   */
  public Subscription listen(FailoverListener listener) {
    Objects.requireNonNull(listener, "listener");
    events.add(listener);
    return () -> events.remove(listener);
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
    List<LiveDrillRun> running;
    synchronized (drills) {
      running = new ArrayList<>(drills);
    }
    running.forEach(LiveDrillRun::close); // a live drill never outlives its resolver: tier 0 is restored
    closed = true;
    engine.close();
    dnsEngine.close();
    owned.close();
    events.close();
  }

  @Override
  public String toString() {
    return "FailoverResolver" + (closed ? "(closed)" : "");
  }

  /** Collects the configuration; {@link #build()} validates it all and starts the resolver. Not thread-safe. */
  public static final class Builder extends RuntimeOptions<Builder> {
    private DnsSettings dns;
    private final Map<String, ServiceBuilder> services = new LinkedHashMap<>();
    private final List<String> duplicates = new ArrayList<>();
    private Executor checkExecutor;
    private Executor controlExecutor;
    private final SettingValues values = new SettingValues(Setting.Scope.RESOLVER);
    private final Map<String, String> origins = new HashMap<>();

    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

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

    /**
     * Runs health checks, trust rounds and DNS lookups (blocking I/O) instead of the resolver's own pools
     * (default: checks on up to {@code maxConcurrentChecks} threads, trust rounds and DNS on 4 each).
     */
    public Builder checkExecutor(Executor executor) {
      this.checkExecutor = Objects.requireNonNull(executor, "checkExecutor");
      return this;
    }

    /** Where the serial control loop runs; default: one daemon thread of ours. */
    public Builder controlExecutor(Executor executor) {
      this.controlExecutor = Objects.requireNonNull(executor, "controlExecutor");
      return this;
    }

    /** How often endpoint host names are looked up again in the DNS cache (cheap: the cache refreshes ahead). */
    public Builder dnsRefresh(Duration interval) {
      values.set(Setting.DNS_REFRESH, interval);
      return this;
    }

    /** How many blocking checks may run at once (default 32); the others wait their turn. */
    public Builder maxConcurrentChecks(int n) {
      values.set(Setting.MAX_CONCURRENT_CHECKS, n);
      return this;
    }

    /** Sets any resolver-scope setting of the table (for configuration files and frameworks). */
    <T> Builder set(Setting<T> setting, T value) {
      values.set(setting, value);
      return this;
    }

    /**
     * Where holders ({@code service[pay]}) and settings ({@code service[pay]#minEligible}) came from
     * ({@code "file:line: key 'k'"}), so that an error found when building names the configuration file's
     * line; see {@link ResolverConfig}.
     */
    Builder origins(Map<String, String> where) {
      origins.putAll(where);
      return this;
    }

    /**
     * Validates everything, then starts resolving and checking. Errors name the setting and the value
     * ({@code service[pay].minEligible=0: must be at least 1}), or, for a resolver loaded from a file, the
     * file, line and key ({@link ConfigException}).
     */
    public FailoverResolver build() {
      List<ServiceConfig> configs = new ArrayList<>();
      try {
        if (!duplicates.isEmpty()) {
          throw new SettingException(Configs.serviceKey(duplicates.get(0)), Optional.empty(), "",
              "service '" + duplicates.get(0) + "' is configured twice");
        }
        values.validate("resolver");
        for (Map.Entry<String, ServiceBuilder> e : services.entrySet()) {
          configs.add(Configs.service(e.getKey(), e.getValue()));
        }
      } catch (SettingException e) {
        throw ResolverConfig.locate(e, origins, null);
      }
      DnsSettings dnsSettings = dns != null ? dns : DnsSettings.systemDefault();

      OwnedExecutors owned = new OwnedExecutors();
      ScheduledExecutorService timers = owned.timers(scheduler);
      Executor checks = owned.checks(checkExecutor, values.get(Setting.MAX_CONCURRENT_CHECKS));
      Executor trust = owned.trust(checkExecutor);
      Executor lookups = owned.dns(checkExecutor);
      Executor loop = owned.loop(controlExecutor);
      EventDispatcher events = events();
      // sized from the configured names, so that their A and AAAA answers never evict each other
      long names = configs.stream().flatMap(c -> c.endpoints().stream()).filter(e -> e.literal().isEmpty())
          .map(e -> e.host()).distinct().count();
      DnsEngine dnsEngine = new DnsEngine(dnsSettings, clock, timers, lookups, events, false, 2 * names + 1_000);
      DnsCache cache = DnsCache.wrap(dnsEngine, random);
      ControlLoop engine = new ControlLoop(configs, clock, timers, checks, trust, lookups, loop, dnsEngine,
          values.get(Setting.DNS_REFRESH), events, random, values.get(Setting.STARTUP_CHECK_RATE));
      FailoverResolver resolver = new FailoverResolver(engine, cache, dnsEngine, events, owned, clock, timers,
          values.frozen());
      engine.start();
      return resolver;
    }

  }
}

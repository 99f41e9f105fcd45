package io.github.failoverresolver.internal.engine;

import io.github.failoverresolver.NoEligibleTargetException;
import io.github.failoverresolver.Outcome;
import io.github.failoverresolver.ResolverSnapshot;
import io.github.failoverresolver.Subscription;
import io.github.failoverresolver.Target;
import io.github.failoverresolver.internal.EventDispatcher;
import io.github.failoverresolver.internal.SerialExecutor;
import io.github.failoverresolver.internal.health.StartupSpread;
import io.github.failoverresolver.internal.dns.DnsEngine;
import io.github.failoverresolver.internal.dns.EndpointDns;
import io.github.failoverresolver.internal.health.CheckScheduler;
import io.github.failoverresolver.internal.policy.Decision;
import io.github.failoverresolver.internal.policy.FailoverPolicy;
import io.github.failoverresolver.internal.policy.PolicyMemory;
import io.github.failoverresolver.internal.trust.TrustRounds;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The control loop: one serial executor owns every service's mutable state. It applies inputs (DNS
 * answers, check results, trust verdicts, outcome reports, operator commands), builds each touched
 * service's view, calls {@link FailoverPolicy#decide}, publishes the resulting {@link RoutingTable},
 * schedules the next decision and hands the transitions to the {@link Narrator}. The data plane
 * ({@link #select}, {@link #resolve}) reads the published tables without a lock.
 */
public final class ControlLoop {
  private static final long CALL_TIMEOUT_MS = 5_000;

  private final Clock clock;
  private final ScheduledExecutorService timers;
  private final SerialExecutor control;
  private final EventDispatcher events;
  private final Narrator narrator;
  private final Inputs inputs;
  private final int startupCheckRate;
  private final Map<String, ServiceState> services;
  /** The services in configured order (snapshots, start-up). */
  private final List<ServiceState> order;
  private final HostIndex hosts = new HostIndex();
  /** Each service's first target while it has one (written on the loop with each decision), for select. */
  private final Map<String, Target> firsts = new java.util.concurrent.ConcurrentHashMap<>();
  /** How many services are in a slow start (select then needs the service's ramp); written on the loop only. */
  private volatile int ramps;
  private final SrvEndpoints srv;
  private final OutcomeReports reports;
  private final AddressIndex index = new AddressIndex();
  private volatile boolean closed;

  /**
   * @param checks runs active checks (bounded; may queue)
   * @param trust runs trust rounds (credential sources: user code; certificate fetches)
   * @param dnsLookups runs endpoint name lookups
   */
  public ControlLoop(List<ServiceConfig> configs, Clock clock, ScheduledExecutorService timers, Executor checks,
      Executor trust, Executor dnsLookups, Executor controlDelegate, DnsEngine dns, java.time.Duration dnsRefresh,
      EventDispatcher events, java.util.random.RandomGenerator random, int startupCheckRate) {
    this.clock = clock;
    this.timers = timers;
    this.control = new SerialExecutor(controlDelegate);
    this.events = events;
    this.narrator = new Narrator(events, clock);
    this.startupCheckRate = startupCheckRate;
    this.inputs = new Inputs(this, clock, narrator, new CheckScheduler(timers, checks, control, random, clock),
        new TrustRounds(timers, trust, control, clock), new EndpointDns(dns, timers, dnsLookups, control, dnsRefresh, clock),
        index, random);
    this.srv = new SrvEndpoints(this, inputs, clock, events);
    this.reports = new OutcomeReports(index, control, inputs, CALL_TIMEOUT_MS);
    Map<String, ServiceState> s = new LinkedHashMap<>();
    for (ServiceConfig c : configs) {
      ServiceState state = new ServiceState(c);
      for (EndpointConfig e : c.endpoints()) {
        EndpointState ep = new EndpointState(e, state);
        state.configured.add(e.srvTemplate() ? new SrvEndpoints.Group(state, ep, random.nextLong()) : ep);
      }
      state.layout();
      state.publish(null);
      rehost(state, Set.of());
      s.put(c.name(), state);
    }
    // HashMap (hash spreading, chained buckets), not Map.copyOf: names like svc-123 cluster under linear probing
    this.services = new HashMap<>(s); // never changed after construction
    this.order = List.copyOf(s.values());
  }

  /** Brings the host index up to date with {@code s}'s endpoints, which had the hosts {@code before}. On the loop. */
  void rehost(ServiceState s, Set<String> before) {
    hosts.update(s, before);
  }

  /** Starts resolving and checking every endpoint. */
  public void start() {
    control.execute(() -> {
      long endpoints = order.stream().mapToLong(s -> s.endpoints.size()).sum();
      long shortestInterval = order.stream().flatMap(s -> s.endpoints.stream())
          .mapToLong(e -> e.cfg.interval().toMillis()).min().orElse(0);
      long primaries = order.stream().flatMap(s -> s.endpoints.stream()).filter(e -> e.cfg.tier() == 0).count();
      inputs.startupSpread(StartupSpread.of(endpoints, primaries, shortestInterval, startupCheckRate));
      // every service's primary (tier 0) first, then the others: names are looked up (and then checked) in the
      // order they are started, so the primaries are ready first, as StartupSpread orders IP literals' first checks
      for (boolean primaryPass : new boolean[] {true, false}) {
        for (ServiceState s : order) {
          for (Object c : s.configured) {
            EndpointState e = c instanceof EndpointState ep ? ep : ((SrvEndpoints.Group) c).template;
            if ((e.cfg.tier() == 0) != primaryPass) {
              continue;
            }
            if (c instanceof EndpointState) {
              inputs.start(e);
            } else {
              srv.start((SrvEndpoints.Group) c);
            }
          }
          if (!primaryPass) {
            decide(s);
          }
        }
      }
      inputs.startupSpread(StartupSpread.NONE);
    });
  }

  // ---- data plane -----------------------------------------------------------------------------

  public Target select(String service) {
    Target t = firsts.get(service); // one hash lookup, and the target itself: no service object to dereference
    if (t != null && ramps == 0) {
      return t;
    }
    ServiceState s = services.get(service);
    if (s != null) {
      Target first = s.first; // one read: no table to dereference on the hot path
      if (first != null) {
        ServiceState.Ramp ramp = s.ramp; // a slow start after a failback: null otherwise
        if (ramp != null && java.util.concurrent.ThreadLocalRandom.current().nextInt(1000) >= ramp.share()) {
          return ramp.alternative();
        }
        return first;
      }
    }
    throw new NoEligibleTargetException(service, service(service).table.reasons);
  }

  public List<Target> targets(String service) {
    return service(service).table.targets;
  }

  /**
   * The endpoint of {@code service} that has {@code address}, whatever its health, as a target of that one
   * address carrying the endpoint's credential; empty when no endpoint of the service has it. One hash
   * lookup, any thread.
   */
  public Optional<Target> endpointAt(String service, InetSocketAddress address) {
    ServiceState s = service(service);
    for (AddressState a : index.get(address)) {
      EndpointState ep = a.endpoint;
      if (ep.service == s) {
        return Optional.of(new Target(s.cfg.name(), ep.cfg.name(), ep.cfg.tier(), ep.cfg.host(), ep.cfg.port(),
            List.of(address), List.of(address.getAddress()), s.table.generation, false,
            ep.cfg.credential().isPresent() ? ep.handle : Optional.empty()));
      }
    }
    return Optional.empty();
  }

  /** The addresses of the endpoint(s) named {@code host}, from the same tables as {@code select}; empty for other hosts. */
  public Optional<List<InetAddress>> resolve(String host) throws UnknownHostException {
    return hosts.resolve(host);
  }

  ServiceState service(String name) {
    ServiceState s = services.get(name);
    if (s == null) {
      throw new IllegalArgumentException("unknown service '" + name + "'; configured: " + services.keySet());
    }
    return s;
  }

  public Set<String> serviceNames() {
    Set<String> names = new LinkedHashSet<>();
    order.forEach(s -> names.add(s.cfg.name()));
    return java.util.Collections.unmodifiableSet(names);
  }

  public ServiceConfig config(String service) {
    return service(service).cfg;
  }

  /** The config of {@code service}'s endpoint named {@code endpoint} (an SRV target included); any thread. */
  public Optional<EndpointConfig> endpointConfig(String service, String endpoint) {
    return Optional.ofNullable(service(service).byName.get(endpoint));
  }

  // ---- inputs ---------------------------------------------------------------------------------

  /** The clients' outcome reports, for a facade that calls them directly (one object fewer on the hot path). */
  public OutcomeReports reports() {
    return reports;
  }

  /**
   * Records an outcome on {@code address} of the endpoint named in {@code target} (or, with no target, of
   * every endpoint that has it). A failure is applied before this returns, so that the very next select
   * avoids an address it ejects; a success is applied asynchronously.
   */
  public void report(Optional<Target> target, InetSocketAddress address, Outcome outcome) {
    if (target.isPresent()) {
      service(target.get().service()); // an unknown service fails here
    }
    reports.report(target, address, outcome);
  }

  public Subscription subscribe(String service, Consumer<Optional<Target>> listener) {
    ServiceState s = service(service);
    s.subscribers.add(listener);
    RoutingTable now = s.table;
    events.dispatch(() -> listener.accept(Optional.ofNullable(now.first)), "subscriber of " + service);
    return () -> s.subscribers.remove(listener);
  }

  public int subscriberCount(String service) {
    return service(service).subscribers.size();
  }

  /** Pins {@code service} to a tier (or unpins it with empty). */
  public void pinTier(String service, Optional<Integer> tier) {
    ServiceState s = service(service);
    tier.ifPresent(t -> {
      // the configured endpoints (SRV templates keep their tier): endpoints may change on the loop meanwhile
      if (s.cfg.endpoints().stream().noneMatch(e -> e.tier() == t)) {
        throw new IllegalArgumentException("service '" + service + "' has no tier " + t + "; tiers: "
            + s.cfg.endpoints().stream().map(e -> e.tier()).distinct().toList());
      }
    });
    remember(s, m -> m.pinTier(tier));
  }

  public void pinEndpoint(String service, String endpoint) {
    ServiceState s = service(service);
    s.endpointNamed(endpoint);
    remember(s, m -> m.pinEndpoint(Optional.of(endpoint)));
  }

  public void drain(String service, String endpoint, boolean drained) {
    ServiceState s = service(service);
    s.endpointNamed(endpoint);
    operator(s, () -> s.endpoints.stream().filter(e -> e.cfg.name().equals(endpoint)).forEach(e -> e.drained = drained));
  }

  /** Takes the primary tier of {@code service} out (a live drill) or puts it back. */
  public void drillOut(String service, boolean out) {
    ServiceState s = service(service);
    int primary = s.cfg.endpoints().get(0).tier();
    operator(s, () -> s.endpoints.stream().filter(e -> e.cfg.tier() == primary).forEach(e -> e.drilled = out));
  }

  /** Dry run: the decision if the primary tier were taken out now (the same decide a live drill runs). */
  public Optional<Target> drillTarget(String service) {
    ServiceState s = service(service);
    return call(() -> {
      Decision d = FailoverPolicy.drill(s.view(), s.memory, s.policy, clock.millis());
      return d.targets().isEmpty() ? Optional.<Target>empty() : Optional.of(Tables.target(s, d.targets().get(0), 0));
    });
  }

  private void remember(ServiceState s, UnaryOperator<PolicyMemory> change) {
    operator(s, () -> s.memory = change.apply(s.memory));
  }

  private void operator(ServiceState s, Runnable change) {
    call(() -> {
      change.run();
      decide(s);
    });
  }

  /** The check scheduler's counters (lock-free; any thread). */
  public CheckScheduler checks() {
    return inputs.checks();
  }

  /**
   * Built on the caller's thread from what each service's last decision published (no control-loop work, so
   * a status page polled often costs the loop nothing); per-address details (last check, its detail, TLS) are
   * read as they are now.
   */
  public ResolverSnapshot snapshot() {
    return Snapshots.of(order, clock.millis(), inputs.checks());
  }

  // ---- decide and publish ---------------------------------------------------------------------

  /**
   * Decides {@code s} once the inputs already queued on the loop are applied: a burst of check results for
   * one service makes one decision. On the loop only.
   */
  void decideSoon(ServiceState s) {
    if (!s.decideQueued) {
      s.decideQueued = true;
      control.execute(() -> {
        s.decideQueued = false;
        decide(s);
      });
    }
  }

  /** Decides {@code s} again from its current facts and publishes the result. On the loop only. */
  void decide(ServiceState s) {
    if (closed) {
      return;
    }
    long now = clock.millis();
    Retirement.prune(s, now, inputs);
    srv.prune(s, now);
    Decision d = FailoverPolicy.decide(s.view(), s.memory, s.policy, now);
    s.memory = d.next();
    s.last = d;
    s.reason = Texts.reason(d.reason());
    RoutingTable old = s.table;
    RoutingTable next = Tables.next(s, d, old);
    s.table = next;
    Target alternative = null;
    if (d.rampFrom() >= 0) {
      for (Target t : next.targets) {
        if (t.tier() == d.rampFrom()) {
          alternative = t;
          break;
        }
      }
    }
    ServiceState.Ramp ramp = alternative == null ? null
        : new ServiceState.Ramp(alternative, (int) Math.round(d.rampShare() * 1000));
    if ((ramp == null) != (s.ramp == null)) {
      ramps += ramp == null ? -1 : 1; // before the ramp is visible, so that select never misses one
    }
    s.ramp = ramp;
    s.first = next.first;
    if (next.first == null) {
      firsts.remove(s.cfg.name());
    } else if (firsts.get(s.cfg.name()) != next.first) {
      firsts.put(s.cfg.name(), next.first);
    }
    s.publish(d);
    narrator.transitions(s.cfg.name(), d);
    scheduleAgain(s, d);
    if (next.generation != old.generation || (next.first == null) != (old.first == null)) {
      Optional<Target> first = Optional.ofNullable(next.first);
      for (Consumer<Optional<Target>> sub : s.subscribers) {
        events.dispatch(() -> sub.accept(first), "subscriber of " + s.cfg.name());
      }
    }
  }

  private void scheduleAgain(ServiceState s, Decision d) {
    long at = d.decideAgainAt().orElse(Long.MAX_VALUE);
    if (at == s.decideAgainAt) {
      return;
    }
    if (s.decideAgain != null) {
      s.decideAgain.cancel(false);
      s.decideAgain = null;
    }
    s.decideAgainAt = at;
    if (at != Long.MAX_VALUE) {
      try {
        s.decideAgain = timers.schedule(() -> control.execute(() -> {
          s.decideAgainAt = Long.MAX_VALUE;
          decide(s);
        }), Math.max(0, at - clock.millis()), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException shuttingDown) {
        s.decideAgainAt = Long.MAX_VALUE;
      }
    }
  }

  boolean closed() {
    return closed;
  }

  private void call(Runnable r) {
    control.call(() -> {
      r.run();
      return null;
    }, CALL_TIMEOUT_MS);
  }

  private <T> T call(java.util.concurrent.Callable<T> c) {
    return control.call(c, CALL_TIMEOUT_MS);
  }

  public void close() {
    closed = true;
    call(() -> {
      for (ServiceState s : order) {
        if (s.decideAgain != null) {
          s.decideAgain.cancel(false);
        }
        for (Object c : s.configured) {
          if (c instanceof EndpointState e) {
            inputs.stop(e);
          } else {
            srv.stop((SrvEndpoints.Group) c);
          }
        }
        s.subscribers.clear();
      }
      inputs.checks().shutdown();
    });
  }
}

package io.github.failoverresolver.micrometer;

import io.github.failoverresolver.DnsStats;
import io.github.failoverresolver.FailoverEvent;
import io.github.failoverresolver.FailoverResolver;
import io.github.failoverresolver.ResolverSnapshot;
import io.github.failoverresolver.ResolverStats;
import io.github.failoverresolver.Subscription;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer metrics of one {@link FailoverResolver}: bind it to a registry ({@code new
 * FailoverMetrics(resolver).bindTo(registry)}), close it to remove its meters and its event listener.
 * Thread-safe.
 *
 * <p>Meters (names in Micrometer's dot form; Prometheus shows {@code failover_failovers_total} and so on). Tags
 * are bounded by the configuration: {@code service}, {@code tier}, {@code endpoint}, {@code address} (the
 * endpoints' addresses), {@code provider}, {@code result}; never anything per request.
 * <ul>
 *   <li>per service: {@code failover.service.active.tier}, {@code failover.service.panic} (1 in panic mode),
 *       {@code failover.service.eligible.addresses} (tag {@code tier});</li>
 *   <li>per address (tags {@code service}, {@code endpoint}, {@code address}): {@code failover.address.healthy}
 *       (1 healthy, 0 unhealthy or not checked yet), {@code failover.address.eligible},
 *       {@code failover.address.ejected}, {@code failover.address.trusted} (the TLS verdict trusts it; 1
 *       without TLS checks), {@code failover.address.certificate.days.left} (only where a certificate was
 *       inspected);</li>
 *   <li>counters: {@code failover.failovers}, {@code failover.failbacks}, {@code failover.ejections},
 *       {@code failover.credential.blocks} (tag {@code service}); {@code failover.checks} (tag {@code result}:
 *       healthy, unhealthy, timeout); {@code failover.probes.skipped} (passive-first);
 *       {@code failover.dns.queries} (tags {@code provider}, {@code result}); {@code failover.dns.stale.answers};
 *       {@code failover.retries} (tags {@code service}, {@code result}: allowed, denied by the retry budget);
 *       {@code failover.dns.split.brain};</li>
 *   <li>a timer: {@code failover.check.duration} (count and total time of finished checks).</li>
 * </ul>
 * Gauges read a snapshot of the resolver taken at most once a second, so a scrape costs one snapshot.
 */
public final class FailoverMetrics implements MeterBinder, AutoCloseable {
  private static final long SNAPSHOT_MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final FailoverResolver resolver;
  private final String prefix;
  private final List<Meter> meters = new ArrayList<>();
  private final Set<String> addressKeys = new HashSet<>();
  private final Map<String, Counter> failovers = new HashMap<>();
  private final Map<String, Counter> failbacks = new HashMap<>();
  private final Map<String, Counter> ejections = new HashMap<>();
  private final Map<String, Counter> credentialBlocks = new HashMap<>();
  private Counter splitBrain;
  private volatile boolean addressesChanged;
  private MeterRegistry registry;
  private Subscription listening;
  private ResolverSnapshot snapshot;
  private long snapshotAt;
  private ResolverStats stats;
  private long statsAt;

  public FailoverMetrics(FailoverResolver resolver) {
    this(resolver, "failover");
  }

  /** @param prefix the meters' common name prefix ({@code failover} by default) */
  public FailoverMetrics(FailoverResolver resolver, String prefix) {
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    if (prefix == null || !prefix.matches("[a-z][a-z0-9]*(\\.[a-z][a-z0-9]*)*")) {
      throw new IllegalArgumentException("prefix=" + prefix + ": must be lower-case dot-separated words");
    }
    this.prefix = prefix;
  }

  @Override
  public synchronized void bindTo(MeterRegistry registry) {
    if (this.registry != null) {
      throw new IllegalStateException("already bound to a registry; make one FailoverMetrics per registry");
    }
    this.registry = registry;
    ResolverSnapshot snap = snapshot();
    for (ResolverSnapshot.Service s : snap.services()) {
      String service = s.name();
      Tags tags = Tags.of("service", service);
      gauge("service.active.tier", tags, "the tier serving traffic", x -> serviceOf(x, service)
          .map(ResolverSnapshot.Service::activeTier).orElse(-1));
      gauge("service.panic", tags, "1 while the service is in panic mode", x -> serviceOf(x, service)
          .map(v -> v.panic() ? 1 : 0).orElse(0));
      s.endpoints().stream().map(ResolverSnapshot.Endpoint::tier).distinct().sorted().forEach(tier ->
          gauge("service.eligible.addresses", tags.and("tier", Integer.toString(tier)),
              "eligible addresses of the tier", x -> serviceOf(x, service).map(v -> v.endpoints().stream()
                  .filter(e -> e.tier() == tier).mapToLong(e -> e.addresses().stream()
                      .filter(ResolverSnapshot.Address::eligible).count()).sum()).orElse(0L)));
      failovers.put(service, counter("failovers", tags, "moves away from the primary tier (or to a worse tier)"));
      failbacks.put(service, counter("failbacks", tags, "moves back to a better tier"));
      ejections.put(service, counter("ejections", tags, "addresses ejected as outliers"));
      credentialBlocks.put(service, counter("credential.blocks", tags, "credentials or certificates blocked"));
      var budget = resolver.retryBudget(service);
      meters.add(FunctionCounter.builder(prefix + ".retries", budget, b -> b.retries()).tags(tags.and("result",
          "allowed")).description("retries the retry budget allowed").register(registry));
      meters.add(FunctionCounter.builder(prefix + ".retries", budget, b -> b.denied()).tags(tags.and("result",
          "denied")).description("retries the retry budget refused").register(registry));
    }
    splitBrain = counter("dns.split.brain", Tags.empty(), "providers answering one name differently");
    registerAddresses(snap);
    functionCounter("checks", Tags.of("result", "healthy"), "finished active checks", ResolverStats::checksHealthy);
    functionCounter("checks", Tags.of("result", "unhealthy"), "finished active checks", ResolverStats::checksUnhealthy);
    functionCounter("checks", Tags.of("result", "timeout"), "finished active checks", ResolverStats::checksTimedOut);
    functionCounter("probes.skipped", Tags.empty(), "probes skipped for successful traffic (passive-first)",
        ResolverStats::probesSkipped);
    functionCounter("dns.stale.answers", Tags.empty(), "answers served stale because no provider answered",
        st -> st.dns().staleAnswersServed());
    DnsStats dns = stats().dns();
    dns.queriesByProvider().forEach((provider, byResult) -> byResult.keySet().forEach(result ->
        functionCounter("dns.queries", Tags.of("provider", provider, "result", result), "queries to DNS providers",
            st -> st.dns().queriesByProvider().getOrDefault(provider, Map.of()).getOrDefault(result, 0L))));
    meters.add(FunctionTimer.builder(prefix + ".check.duration", this, m -> m.stats().checks(),
            m -> m.stats().checkTime().toNanos(), TimeUnit.NANOSECONDS)
        .description("time taken by finished active checks").register(registry));
    listening = resolver.listen(this::onEvent);
  }

  private void onEvent(FailoverEvent event) {
    if (event instanceof FailoverEvent.Failover f) {
      increment(failovers, f.service());
    } else if (event instanceof FailoverEvent.Failback f) {
      increment(failbacks, f.service());
    } else if (event instanceof FailoverEvent.AddressEjected e) {
      increment(ejections, e.service());
    } else if (event instanceof FailoverEvent.CredentialBlocked c) {
      increment(credentialBlocks, c.service());
    } else if (event instanceof FailoverEvent.SplitBrainDetected) {
      Counter c = splitBrain;
      if (c != null) {
        c.increment();
      }
    }
    if (event instanceof FailoverEvent.AddressUp || event instanceof FailoverEvent.AddressDown
        || event instanceof FailoverEvent.AddressEjected) {
      // DNS may have named a new address: its gauges are added with the next snapshot. Nothing here calls the
      // resolver, so a listener run on the control loop itself (an inline listener executor) cannot deadlock.
      addressesChanged = true;
    }
  }

  private static void increment(Map<String, Counter> counters, String service) {
    Counter c = counters.get(service);
    if (c != null) {
      c.increment();
    }
  }

  /** Gauges of every address not yet registered. */
  private void registerAddresses(ResolverSnapshot snap) {
    for (ResolverSnapshot.Service s : snap.services()) {
      for (ResolverSnapshot.Endpoint e : s.endpoints()) {
        for (ResolverSnapshot.Address a : e.addresses()) {
          String label = a.label();
          if (!addressKeys.add(s.name() + "|" + e.name() + "|" + label)) {
            continue;
          }
          Tags tags = Tags.of("service", s.name(), "endpoint", e.name(), "address", label);
          String service = s.name();
          String endpoint = e.name();
          gauge("address.healthy", tags, "1 when the last verdict was healthy", x -> address(x, service, endpoint,
              label).map(v -> v.health() == ResolverSnapshot.Health.HEALTHY ? 1 : 0).orElse(0));
          gauge("address.eligible", tags, "1 when the address is handed out", x -> address(x, service, endpoint,
              label).map(v -> v.eligible() ? 1 : 0).orElse(0));
          gauge("address.ejected", tags, "1 while ejected as an outlier", x -> address(x, service, endpoint,
              label).map(v -> v.ejectedUntil().isPresent() ? 1 : 0).orElse(0));
          gauge("address.trusted", tags, "1 when its TLS verdict trusts it (1 without TLS checks)",
              x -> address(x, service, endpoint, label).map(v -> v.tls().map(t -> t.status().trusted() ? 1 : 0)
                  .orElse(1)).orElse(0));
          if (a.tls().isPresent()) {
            meters.add(Gauge.builder(prefix + ".address.certificate.days.left", this, m -> {
                  ResolverSnapshot now = m.snapshot(); // the resolver's own time, as its trust verdicts use
                  return m.address(now, service, endpoint, label).flatMap(ResolverSnapshot.Address::tls)
                      .flatMap(ResolverSnapshot.Tls::notAfter)
                      .map(n -> Duration.between(now.at(), n).toSeconds() / 86_400.0).orElse(Double.NaN);
                })
                .tags(tags).description("days until the leaf certificate expires").register(registry));
          }
        }
      }
    }
  }

  private void gauge(String name, Tags tags, String description, java.util.function.Function<ResolverSnapshot,
      ? extends Number> value) {
    ToDoubleFunction<FailoverMetrics> f = m -> value.apply(m.snapshot()).doubleValue();
    meters.add(Gauge.builder(prefix + "." + name, this, f).tags(tags).description(description).register(registry));
  }

  private Counter counter(String name, Tags tags, String description) {
    Counter c = Counter.builder(prefix + "." + name).tags(tags).description(description).register(registry);
    meters.add(c);
    return c;
  }

  private void functionCounter(String name, Tags tags, String description, ToDoubleFunction<ResolverStats> value) {
    meters.add(FunctionCounter.builder(prefix + "." + name, this, m -> value.applyAsDouble(m.stats())).tags(tags)
        .description(description).register(registry));
  }

  private static Optional<ResolverSnapshot.Service> serviceOf(ResolverSnapshot snap, String service) {
    return snap.service(service);
  }

  private Optional<ResolverSnapshot.Address> address(ResolverSnapshot snap, String service, String endpoint,
      String label) {
    return snap.service(service).flatMap(s -> s.endpoint(endpoint))
        .flatMap(e -> e.addresses().stream().filter(a -> a.label().equals(label)).findFirst());
  }

  /** The resolver's snapshot, taken at most once a second (gauges share it). */
  synchronized ResolverSnapshot snapshot() {
    long now = System.nanoTime();
    if (snapshot == null || now - snapshotAt > SNAPSHOT_MAX_AGE_NANOS) {
      snapshot = resolver.snapshot();
      snapshotAt = now;
      if (addressesChanged && registry != null) {
        addressesChanged = false;
        registerAddresses(snapshot);
      }
    }
    return snapshot;
  }

  /** The resolver's counters, read at most every 100 ms (a scrape reads them once). */
  synchronized ResolverStats stats() {
    long now = System.nanoTime();
    if (stats == null || now - statsAt > TimeUnit.MILLISECONDS.toNanos(100)) {
      stats = resolver.stats();
      statsAt = now;
    }
    return stats;
  }

  /** Forces the next gauge read to take a new snapshot (tests, or right after a known change). */
  public synchronized void refresh() {
    snapshot = null;
    stats = null;
  }

  /** Removes every meter this binder registered and stops listening to the resolver's events. */
  @Override
  public synchronized void close() {
    if (listening != null) {
      listening.close();
      listening = null;
    }
    if (registry != null) {
      meters.forEach(registry::remove);
    }
    meters.clear();
  }
}

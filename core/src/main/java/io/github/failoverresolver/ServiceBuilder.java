package io.github.failoverresolver;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import io.github.failoverresolver.internal.config.SettingValues;

/**
 * A service's tiers of endpoints and its failover policy, given to the lambda of
 * {@link FailoverResolver.Builder#service}. Not thread-safe; validated when the resolver is built.
 *
 * <p>Every setting, its default and where the default comes from: {@link Setting#all()} (scope SERVICE) and the
 * README's table. Defaults: {@code minEligible} 1; {@code failbackStability} 30 s, multiplied by
 * {@code dampingFactor} 2 for each further failover within {@code flapWindow} 10 min, up to
 * {@code maxFailbackStability} 10 min (the shape of BGP route-flap damping, RFC 2439); panic mode off;
 * outlier detection ejects after 5 consecutive failures (Envoy's {@code consecutive_5xx}) or 1 connect
 * failure (nothing to retry against), for 30 s times the number of ejections, up to 5 min (Envoy's
 * {@code base_ejection_time} and {@code max_ejection_time}); trust checks every 30 s; shared credentials
 * across tiers blocked.
 */
public final class ServiceBuilder {
  record EndpointEntry(int tier, String spec, EndpointBuilder builder) {}

  final List<EndpointEntry> endpoints = new ArrayList<>();
  final SettingValues values = new SettingValues(Setting.Scope.SERVICE);

  ServiceBuilder() {}

  /**
   * Block a backup endpoint that shares a critical fault domain with the primary tier: the same address or
   * the same certificate (the same secret is governed by {@link #blockSharedCredentials}). Default off;
   * the independence report lists every finding either way.
   */
  public ServiceBuilder requireIndependence(boolean require) {
    values.set(Setting.REQUIRE_INDEPENDENCE, require);
    return this;
  }

  /** How often certificates and credentials are checked again (rotations are seen within this). */
  public ServiceBuilder trustInterval(Duration d) {
    values.set(Setting.TRUST_INTERVAL, d);
    return this;
  }

  /**
   * Whether an endpoint whose secret equals (by keyed fingerprint) that of an endpoint in a better tier is
   * blocked (default) or only reported.
   */
  public ServiceBuilder blockSharedCredentials(boolean block) {
    values.set(Setting.BLOCK_SHARED_CREDENTIALS, block);
    return this;
  }

  /**
   * The endpoint spec of an SRV record set, for {@link #tier}: {@code tier(0, srv("_https._tcp.payments.example.com"),
   * e -> e.check(...))} makes each target of the name's SRV records (RFC 2782) an endpoint of that tier, with
   * the port from its record, its host name for DNS and TLS, and the checks, credential and settings given
   * here. Targets are ordered by priority, and within one priority by a weighted draw (each target comes first
   * in proportion to its weight, across processes) that stays put while the set changes. The set is followed
   * as its TTL asks: a new target is checked before it serves; a target no longer named keeps serving until the
   * others have their first verdicts (make before break). In a configuration file: {@code [endpoint SERVICE
   * srv:NAME]}.
   */
  public static String srv(String name) {
    return Configs.SRV_PREFIX + Objects.requireNonNull(name, "name");
  }

  /** Adds an endpoint {@code host:port} to a tier (0 is the primary) with default settings. */
  public ServiceBuilder tier(int tier, String hostAndPort) {
    return tier(tier, hostAndPort, e -> { });
  }

  /**
   * Adds an endpoint {@code host:port} (or an SRV record set, {@link #srv}) to a tier (0 is the primary),
   * configured by {@code endpoint}.
   */
  public ServiceBuilder tier(int tier, String hostAndPort, Consumer<EndpointBuilder> endpoint) {
    EndpointBuilder b = new EndpointBuilder();
    Objects.requireNonNull(endpoint, "endpoint").accept(b);
    endpoints.add(new EndpointEntry(tier, hostAndPort, b));
    return this;
  }

  /** A tier serves while it has at least this many eligible addresses. */
  public ServiceBuilder minEligible(int n) {
    values.set(Setting.MIN_ELIGIBLE, n);
    return this;
  }

  /** How long a higher tier must stay eligible before traffic fails back to it. */
  public ServiceBuilder failbackStability(Duration d) {
    values.set(Setting.FAILBACK_STABILITY, d);
    return this;
  }

  /** The stability window is multiplied by this for each further failover within {@link #flapWindow}. */
  public ServiceBuilder dampingFactor(double factor) {
    values.set(Setting.DAMPING_FACTOR, factor);
    return this;
  }

  public ServiceBuilder maxFailbackStability(Duration d) {
    values.set(Setting.MAX_FAILBACK_STABILITY, d);
    return this;
  }

  /** Failovers older than this no longer lengthen the failback window. */
  public ServiceBuilder flapWindow(Duration d) {
    values.set(Setting.FLAP_WINDOW, d);
    return this;
  }

  /** When no tier is eligible, hand out tier 0's least-bad addresses instead of failing (health only). */
  public ServiceBuilder panicMode(boolean on) {
    values.set(Setting.PANIC_MODE, on);
    return this;
  }

  /** Consecutive reported failures that eject an address. */
  public ServiceBuilder ejectAfterFailures(int n) {
    values.set(Setting.EJECT_AFTER_FAILURES, n);
    return this;
  }

  /** Consecutive reported connect failures that eject an address. */
  public ServiceBuilder ejectAfterConnectFailures(int n) {
    values.set(Setting.EJECT_AFTER_CONNECT_FAILURES, n);
    return this;
  }

  /** The first ejection's length; the n-th lasts n times as long, up to {@link #maxEjection}. */
  public ServiceBuilder baseEjection(Duration d) {
    values.set(Setting.BASE_EJECTION, d);
    return this;
  }

  public ServiceBuilder maxEjection(Duration d) {
    values.set(Setting.MAX_EJECTION, d);
    return this;
  }

  /**
   * The retry budget ({@link RetryBudget}): over {@code window}, retries at most {@code ratio} of the requests
   * plus {@code minPerSecond} per second. Defaults 0.2, 3/s, 10 s.
   */
  public ServiceBuilder retryBudget(double ratio, int minPerSecond, Duration window) {
    values.set(Setting.RETRY_BUDGET_RATIO, ratio);
    values.set(Setting.RETRY_BUDGET_MIN_PER_SECOND, minPerSecond);
    values.set(Setting.RETRY_BUDGET_WINDOW, window);
    return this;
  }

  /**
   * Sets any service setting of the table ({@link Setting#all()}, scope SERVICE), for the ones without a
   * method of their own, such as outlier detection by rate ({@link Setting#FAILURE_PERCENTAGE_THRESHOLD},
   * {@link Setting#SUCCESS_RATE_STDEV_FACTOR}, ...). Validated when the resolver is built.
   */
  public <T> ServiceBuilder set(Setting<T> setting, T value) {
    values.set(setting, java.util.Objects.requireNonNull(value, "value"));
    return this;
  }
}

package io.github.failoverresolver;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One setting of the resolver, described once: its configuration-file key, its builder name, its default
 * and where that default comes from, and its validation. The builders, {@link ResolverConfig} and the
 * README's defaults table all use this table ({@link #all()}). Immutable and thread-safe.
 *
 * @param <T> the value's type: {@link Duration}, {@link Integer}, {@link Long}, {@link Double} or {@link Boolean}
 */
public final class Setting<T> {

  /** Where a setting lives: the file's section and the builder that sets it. */
  public enum Scope {
    /** {@code [dns]}; {@link DnsSettings.Builder}. */
    DNS("dns"),
    /** {@code [resolver]}; {@link FailoverResolver.Builder}. */
    RESOLVER("resolver"),
    /** {@code [service NAME]}; {@link ServiceBuilder}. */
    SERVICE("service NAME"),
    /** {@code [endpoint SERVICE HOST:PORT]}; {@link EndpointBuilder}. */
    ENDPOINT("endpoint SERVICE HOST:PORT");

    private final String section;

    Scope(String section) {
      this.section = section;
    }

    /** The configuration file's section header, without brackets. */
    public String section() {
      return section;
    }

    /** Where this scope's keys live under Spring Boot's {@code failover.*} properties. */
    public String bootPrefix() {
      return switch (this) {
        case DNS -> "failover.dns.";
        case RESOLVER -> "failover.resolver.";
        case SERVICE -> "failover.services.NAME.";
        case ENDPOINT -> "failover.services.NAME.endpoints[N].";
      };
    }
  }

  private static final Pattern DURATION = Pattern.compile("(\\d{1,15})\\s*(ms|s|m|h|d)");
  private static final List<Setting<?>> ALL = new ArrayList<>();

  // ---- [dns] ----------------------------------------------------------------------------------
  public static final Setting<Duration> QUERY_TIMEOUT = duration(Scope.DNS, "query-timeout", "queryTimeout",
      Duration.ofSeconds(2), Rule.POSITIVE, "per provider; glibc waits 5 s x 2 attempts, a failover client gives up sooner");
  public static final Setting<Duration> MIN_TTL = duration(Scope.DNS, "min-ttl", "minTtl", Duration.ofSeconds(1),
      Rule.NOT_NEGATIVE, "TTL 0 would make every call wait on DNS");
  public static final Setting<Duration> MAX_TTL = duration(Scope.DNS, "max-ttl", "maxTtl", Duration.ofMinutes(5),
      Rule.NOT_NEGATIVE, "bounds how long a changed record goes unseen");
  public static final Setting<Duration> MAX_NEGATIVE_TTL = duration(Scope.DNS, "max-negative-ttl", "maxNegativeTtl",
      Duration.ofSeconds(60), Rule.NOT_NEGATIVE, "RFC 2308 allows hours; a name that comes back should be seen soon");
  public static final Setting<Duration> MAX_STALE = duration(Scope.DNS, "max-stale", "maxStale", Duration.ofHours(1),
      Rule.NOT_NEGATIVE, "RFC 8767 suggests 1-3 days; an hour keeps stale addresses plausible");
  public static final Setting<Duration> STALE_RECHECK = duration(Scope.DNS, "stale-recheck", "staleRecheck",
      Duration.ofSeconds(30), Rule.POSITIVE, "RFC 8767's failure recheck timer");
  public static final Setting<Double> REFRESH_AHEAD = new Setting<>(Scope.DNS, "refresh-ahead", "refreshAhead",
      Type.DOUBLE, 0.8, new Rule<>(v -> v > 0 && v < 1, "must be between 0 and 1 (exclusive)"),
      "Unbound prefetches at 90 %; earlier leaves room for a slow provider");
  public static final Setting<Integer> MAX_CNAME_CHAIN = new Setting<>(Scope.DNS, "max-cname-chain", "maxCnameChain",
      Type.INT, 8, new Rule<>(v -> v >= 1 && v <= 32, "must be within 1..32"),
      "BIND and Unbound stop between 8 and 16 hops");
  public static final Setting<Long> MAX_ENTRIES = new Setting<>(Scope.DNS, "max-entries", "maxEntries", Type.LONG,
      10_000L, new Rule<>(v -> v >= 1, "must be at least 1"), "answers kept in the cache (A and AAAA count apart)");
  public static final Setting<Long> MAX_CACHE_BYTES = new Setting<>(Scope.DNS, "max-cache-bytes", "maxCacheBytes",
      Type.LONG, 64L << 20, new Rule<>(v -> v >= 1 << 20, "must be at least 1048576"),
      "bounds the cache by its estimated heap, not its count: one 64 KiB answer holds 4,000 records");
  public static final Setting<Duration> PROVIDER_RETRY_AFTER = duration(Scope.DNS, "provider-retry-after",
      "providerRetryAfter", Duration.ofSeconds(30), Rule.POSITIVE, "how long a failed provider is asked last");

  // ---- [resolver] -----------------------------------------------------------------------------
  public static final Setting<Duration> DNS_REFRESH = duration(Scope.RESOLVER, "dns-refresh", "dnsRefresh",
      Duration.ofSeconds(1), Rule.POSITIVE, "endpoint names are re-read from the DNS cache (a hit; it refreshes ahead)");

  public static final Setting<Integer> MAX_CONCURRENT_CHECKS = integer(Scope.RESOLVER, "max-concurrent-checks",
      "maxConcurrentChecks", 32, 1, "bounds blocking check threads; more checks wait their turn, never fail for it");
  public static final Setting<Integer> STARTUP_CHECK_RATE = integer(Scope.RESOLVER, "startup-check-rate",
      "startupCheckRate", 2_000, 1, "first checks per second at build(): more endpoints than this are spread over one interval, primaries first");

  // ---- [service NAME] -------------------------------------------------------------------------
  public static final Setting<Integer> MIN_ELIGIBLE = integer(Scope.SERVICE, "min-eligible", "minEligible", 1, 1,
      "a tier serves while it has this many eligible addresses");
  public static final Setting<Duration> FAILBACK_STABILITY = duration(Scope.SERVICE, "failback-stability",
      "failbackStability", Duration.ofSeconds(30), Rule.NOT_NEGATIVE, "the shape of route-flap damping (RFC 2439)");
  public static final Setting<Double> DAMPING_FACTOR = new Setting<>(Scope.SERVICE, "damping-factor", "dampingFactor",
      Type.DOUBLE, 2.0, new Rule<>(v -> v >= 1.0 && !v.isInfinite(), "must be at least 1"),
      "the failback window doubles with each further failover within the flap window (RFC 2439)");
  public static final Setting<Duration> MAX_FAILBACK_STABILITY = duration(Scope.SERVICE, "max-failback-stability",
      "maxFailbackStability", Duration.ofMinutes(10), Rule.NOT_NEGATIVE, "RFC 2439's maximum suppression");
  public static final Setting<Duration> SLOW_START_WINDOW = duration(Scope.SERVICE, "slow-start-window",
      "slowStartWindow", Duration.ofSeconds(10), Rule.NOT_NEGATIVE, "after a failback the returning tier's share"
          + " grows over this long (Envoy's slow_start_window; 0: all at once); short, as a failback is already damped");
  public static final Setting<Double> SLOW_START_MIN_SHARE = new Setting<>(Scope.SERVICE, "slow-start-min-share",
      "slowStartMinShare", Type.DOUBLE, 0.1, new Rule<>(v -> v > 0 && v <= 1, "must be within 0..1 (exclusive of 0)"),
      "Envoy's min_weight_percent (10 %)");
  public static final Setting<Duration> FLAP_WINDOW = duration(Scope.SERVICE, "flap-window", "flapWindow",
      Duration.ofMinutes(10), Rule.POSITIVE, "failovers older than this no longer lengthen the window");
  public static final Setting<Boolean> PANIC_MODE = bool(Scope.SERVICE, "panic-mode", "panicMode", false,
      "Envoy's panic threshold, made explicit; it never relaxes trust");
  public static final Setting<Integer> EJECT_AFTER_FAILURES = integer(Scope.SERVICE, "eject-after-failures",
      "ejectAfterFailures", 5, 1, "Envoy's consecutive_5xx");
  public static final Setting<Integer> EJECT_AFTER_CONNECT_FAILURES = integer(Scope.SERVICE,
      "eject-after-connect-failures", "ejectAfterConnectFailures", 1, 1, "a refused connect has nothing to retry");
  public static final Setting<Duration> BASE_EJECTION = duration(Scope.SERVICE, "base-ejection", "baseEjection",
      Duration.ofSeconds(30), Rule.POSITIVE, "Envoy's base_ejection_time; the n-th ejection lasts n times as long");
  public static final Setting<Duration> MAX_EJECTION = duration(Scope.SERVICE, "max-ejection", "maxEjection",
      Duration.ofMinutes(5), Rule.POSITIVE, "Envoy's max_ejection_time");
  public static final Setting<Duration> OUTLIER_WINDOW = duration(Scope.SERVICE, "outlier-window", "outlierWindow",
      Duration.ofSeconds(10), Rule.POSITIVE, "Envoy's and grpc-java's outlier detection interval (10 s): rates are"
          + " judged over the last one to two windows");
  public static final Setting<Integer> FAILURE_PERCENTAGE_THRESHOLD = new Setting<>(Scope.SERVICE,
      "failure-percentage-threshold", "failurePercentageThreshold", Type.INT, 85,
      new Rule<>(v -> v >= 1 && v <= 100, "must be within 1..100"),
      "Envoy's and grpc-java's failure_percentage threshold (85 %)");
  public static final Setting<Integer> FAILURE_PERCENTAGE_MIN_REQUESTS = integer(Scope.SERVICE,
      "failure-percentage-min-requests", "failurePercentageMinRequests", 50, 1,
      "grpc-java's failure_percentage request_volume (50)");
  public static final Setting<Double> SUCCESS_RATE_STDEV_FACTOR = new Setting<>(Scope.SERVICE,
      "success-rate-stdev-factor", "successRateStdevFactor", Type.DOUBLE, 1.9,
      new Rule<>(v -> v > 0 && v <= 100, "must be within 0..100 (exclusive of 0)"),
      "Envoy's and grpc-java's success_rate stdev_factor (1900 / 1000)");
  public static final Setting<Integer> SUCCESS_RATE_MIN_HOSTS = integer(Scope.SERVICE, "success-rate-min-hosts",
      "successRateMinHosts", 5, 2, "Envoy's and grpc-java's success_rate minimum_hosts (5): fewer cannot be compared");
  public static final Setting<Integer> SUCCESS_RATE_MIN_REQUESTS = integer(Scope.SERVICE, "success-rate-min-requests",
      "successRateMinRequests", 100, 1, "Envoy's and grpc-java's success_rate request_volume (100)");
  public static final Setting<Integer> MAX_EJECTION_PERCENT = new Setting<>(Scope.SERVICE, "max-ejection-percent",
      "maxEjectionPercent", Type.INT, 10, new Rule<>(v -> v >= 0 && v <= 100, "must be within 0..100"),
      "Envoy's and grpc-java's max_ejection_percent (10 %) for ejections by rate; one is always allowed");
  public static final Setting<Duration> TTL_WARN_ABOVE = duration(Scope.SERVICE, "ttl-warn-above", "ttlWarnAbove",
      Duration.ofSeconds(60), Rule.NOT_NEGATIVE, "health-checked DNS failover records are advised 60 s or less:"
          + " other clients of a record with a longer TTL stay on a dead address that long (readiness warns)");
  public static final Setting<Duration> TRUST_INTERVAL = duration(Scope.SERVICE, "trust-interval", "trustInterval",
      Duration.ofSeconds(30), Rule.POSITIVE, "how soon a rotated secret or renewed certificate is seen");
  public static final Setting<Boolean> BLOCK_SHARED_CREDENTIALS = bool(Scope.SERVICE, "block-shared-credentials",
      "blockSharedCredentials", true, "a backup with the primary's secret fails with it");
  public static final Setting<Boolean> REQUIRE_INDEPENDENCE = bool(Scope.SERVICE, "require-independence",
      "requireIndependence", false, "blocks a backup with the primary's address or certificate; reported either way");
  public static final Setting<Double> RETRY_BUDGET_RATIO = new Setting<>(Scope.SERVICE, "retry-budget-ratio",
      "retryBudgetRatio", Type.DOUBLE, 0.2, new Rule<>(v -> v >= 0 && v <= 1, "must be within 0..1"),
      "retries at most this share of requests: Finagle's RetryBudget and Envoy's budget_percent (20 %)");
  public static final Setting<Integer> RETRY_BUDGET_MIN_PER_SECOND = integer(Scope.SERVICE,
      "retry-budget-min-per-second", "retryBudgetMinPerSecond", 3, 0,
      "a floor so that a quiet service can still retry (Envoy's min_retry_concurrency is 3, Finagle's floor 10/s)");
  public static final Setting<Duration> RETRY_BUDGET_WINDOW = duration(Scope.SERVICE, "retry-budget-window",
      "retryBudgetWindow", Duration.ofSeconds(10), Rule.POSITIVE, "Finagle's RetryBudget TTL: requests and retries"
          + " counted over this window");

  // ---- [endpoint SERVICE HOST:PORT] -----------------------------------------------------------
  public static final Setting<Duration> INTERVAL = duration(Scope.ENDPOINT, "interval", "interval",
      Duration.ofSeconds(5), Rule.POSITIVE, "Envoy's common health-check interval");
  public static final Setting<Duration> TIMEOUT = duration(Scope.ENDPOINT, "timeout", "timeout",
      Duration.ofSeconds(1), Rule.POSITIVE, "a check still running then counts as failed");
  public static final Setting<Double> JITTER = new Setting<>(Scope.ENDPOINT, "jitter", "jitter", Type.DOUBLE, 0.1,
      new Rule<>(v -> v >= 0 && v <= 1, "must be within 0..1"), "Envoy's interval_jitter_percent, as a fraction");
  public static final Setting<Integer> HEALTHY_THRESHOLD = integer(Scope.ENDPOINT, "healthy-threshold",
      "healthyThreshold", 2, 1, "Envoy's usual value; at start-up one pass suffices, as in Envoy");
  public static final Setting<Integer> UNHEALTHY_THRESHOLD = integer(Scope.ENDPOINT, "unhealthy-threshold",
      "unhealthyThreshold", 1, 1, "failing over is cheap, serving errors is not");
  public static final Setting<Boolean> PASSIVE_FIRST = bool(Scope.ENDPOINT, "passive-first", "passiveFirst", true,
      "with successful traffic within its interval an address skips up to 9 probes in 10 (envoy #10498's n x m probe storms)");
  public static final Setting<Duration> TLS_WARN_WITHIN = duration(Scope.ENDPOINT, "tls-warn-within", "tls.warnWithin",
      Duration.ofDays(14), Rule.NOT_NEGATIVE, "certificates are renewed ~30 days ahead; 14 days left means renewal failed");
  public static final Setting<Duration> TLS_BLOCK_WITHIN = duration(Scope.ENDPOINT, "tls-block-within",
      "tls.blockWithin", Duration.ofDays(1), Rule.NOT_NEGATIVE, "a day left is too late to start using it");
  public static final Setting<Duration> CREDENTIAL_WARN_WITHIN = duration(Scope.ENDPOINT, "credential-warn-within",
      "credentialWarnWithin", Duration.ofMinutes(10), Rule.NOT_NEGATIVE, "tokens are often short-lived");
  public static final Setting<Duration> CREDENTIAL_BLOCK_WITHIN = duration(Scope.ENDPOINT, "credential-block-within",
      "credentialBlockWithin", Duration.ofSeconds(30), Rule.NOT_NEGATIVE, "one expiring in 30 s is too late to start using");
  public static final Setting<Duration> CREDENTIAL_MAX_AGE = duration(Scope.ENDPOINT, "credential-max-age",
      "credentialMaxAge", Duration.ZERO, Rule.NOT_NEGATIVE, "0: no limit; a secret file older than this is stale");

  private static final List<List<Setting<?>>> NOT_ABOVE = List.of(List.of(MIN_TTL, MAX_TTL),
      List.of(FAILBACK_STABILITY, MAX_FAILBACK_STABILITY), List.of(BASE_EJECTION, MAX_EJECTION));

  private final Scope scope;
  private final String key;
  private final String name;
  private final Type<T> type;
  private final T defaultValue;
  private final Rule<T> rule;
  private final String source;

  private Setting(Scope scope, String key, String name, Type<T> type, T defaultValue, Rule<T> rule, String source) {
    this.scope = scope;
    this.key = key;
    this.name = name;
    this.type = type;
    this.defaultValue = defaultValue;
    this.rule = rule;
    this.source = source;
    ALL.add(this);
  }

  /** Pairs of settings of one scope where the first may not exceed the second. */
  public static List<List<Setting<?>>> notAbove() {
    return NOT_ABOVE;
  }

  /** Every setting, in the order of the README's table. */
  public static List<Setting<?>> all() {
    return Collections.unmodifiableList(ALL);
  }

  /** The setting with file key {@code key} in {@code scope}. */
  public static Optional<Setting<?>> byKey(Scope scope, String key) {
    return ALL.stream().filter(s -> s.scope == scope && s.key.equals(key)).findFirst();
  }

  /**
   * The README's defaults table: one row per setting with its section, file key, builder name, default,
   * validation and source. A test keeps the README equal to this.
   */
  public static String markdownTable() {
    StringBuilder sb = new StringBuilder("| section | file key | Spring Boot property | builder | default | valid |"
        + " why this default |\n|---|---|---|---|---|---|---|\n");
    for (Setting<?> s : ALL) {
      sb.append("| `[").append(s.scope.section).append("]` | `").append(s.key).append("` | `").append(s.bootProperty())
          .append("` | `").append(s.name)
          .append("` | ").append(s.formatDefault()).append(" | ").append(s.rule.text.isEmpty() ? "true/false"
              : s.rule.text.replaceFirst("^must (be )?", "")).append(" | ").append(s.source).append(" |\n");
    }
    return sb.toString();
  }

  private String formatDefault() {
    return format(defaultValue);
  }

  /** The keys of {@code scope}, for "known:" lists in errors. */
  public static List<String> keys(Scope scope) {
    return ALL.stream().filter(s -> s.scope == scope).map(Setting::key).toList();
  }

  public Scope scope() {
    return scope;
  }

  /** The Spring Boot property (the starter's): {@code failover.dns.query-timeout}, {@code failover.services.NAME.KEY}, ... */
  public String bootProperty() {
    return scope.bootPrefix() + key;
  }

  /** The configuration file's key (kebab-case). */
  public String key() {
    return key;
  }

  /** The builder's name for it (camelCase), as errors from builders name it. */
  public String name() {
    return name;
  }

  public T defaultValue() {
    return defaultValue;
  }

  /** Where the default comes from, or why it is what it is. */
  public String source() {
    return source;
  }

  /** The validation, in words ("must be a positive duration"). */
  public String rule() {
    return rule.text;
  }

  /** The Java type of the value. */
  public Class<T> valueType() {
    return type.javaType;
  }

  /**
   * Parses the file form ({@code 30s}, {@code 2}, {@code 0.5}, {@code on}).
   *
   * @throws IllegalArgumentException saying what was expected
   */
  public T parse(String text) {
    return type.parse.apply(text.strip());
  }

  /** The file form of {@code value}; {@code parse(format(v))} equals {@code v}. */
  public String format(T value) {
    return type.format.apply(value);
  }

  /** The longest duration any setting takes: longer ones overflow the arithmetic of deadlines. */
  public static final Duration MAX_DURATION = Duration.ofDays(3650);

  /** The problem with {@code value}, if any (in words, without the setting's name). */
  public Optional<String> problem(T value) {
    if (value != null && value instanceof Duration d && d.compareTo(MAX_DURATION) > 0) {
      return Optional.of("must be at most " + formatDuration(MAX_DURATION));
    }
    return value != null && rule.valid.test(value) ? Optional.empty() : Optional.of(rule.text);
  }

  /** Casts {@code value} to this setting's type (for values held untyped). */
  public T cast(Object value) {
    return type.javaType.cast(value);
  }

  @Override
  public String toString() {
    return scope.section + ": " + key;
  }

  private static Setting<Duration> duration(Scope scope, String key, String name, Duration def, Rule<Duration> rule,
      String source) {
    return new Setting<>(scope, key, name, Type.DURATION, def, rule, source);
  }

  private static Setting<Integer> integer(Scope scope, String key, String name, int def, int min, String source) {
    return new Setting<>(scope, key, name, Type.INT, def, new Rule<>(v -> v >= min, "must be at least " + min), source);
  }

  private static Setting<Boolean> bool(Scope scope, String key, String name, boolean def, String source) {
    return new Setting<>(scope, key, name, Type.BOOL, def, new Rule<>(v -> true, ""), source);
  }

  private record Rule<T>(Predicate<T> valid, String text) {
    static final Rule<Duration> POSITIVE = new Rule<>(d -> !d.isNegative() && !d.isZero(),
        "must be a positive duration");
    static final Rule<Duration> NOT_NEGATIVE = new Rule<>(d -> !d.isNegative(), "must not be negative");
  }

  private record Type<T>(Class<T> javaType, java.util.function.Function<String, T> parse,
      java.util.function.Function<T, String> format) {
    static final Type<Duration> DURATION = new Type<>(Duration.class, Setting::parseDuration, Setting::formatDuration);
    static final Type<Integer> INT = new Type<>(Integer.class, t -> (int) parseLong(t, Integer.MIN_VALUE,
        Integer.MAX_VALUE), String::valueOf);
    static final Type<Long> LONG = new Type<>(Long.class, t -> parseLong(t, Long.MIN_VALUE, Long.MAX_VALUE),
        String::valueOf);
    static final Type<Double> DOUBLE = new Type<>(Double.class, Setting::parseDouble, String::valueOf);
    static final Type<Boolean> BOOL = new Type<>(Boolean.class, Setting::parseBool, b -> b ? "true" : "false");
  }

  /**
   * Parses a duration in the configuration file's form ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h},
   * {@code 14d}).
   *
   * @throws IllegalArgumentException saying what was expected, or that it is too large
   */
  public static Duration parseDuration(String value) {
    Matcher m = DURATION.matcher(value.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + value + "' is not a duration (like 500ms, 30s, 5m, 1h, 14d)");
    }
    long n = Long.parseLong(m.group(1));
    try {
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    } catch (ArithmeticException tooLarge) {
      throw new IllegalArgumentException("'" + value + "' is too large (at most " + formatDuration(MAX_DURATION) + ")");
    }
  }

  static String formatDuration(Duration d) {
    if (d.compareTo(MAX_DURATION) > 0) {
      return d.toDays() + "d"; // beyond any bound: no millisecond count fits
    }
    long ms = d.toMillis();
    long[] units = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
    String[] names = {"d", "h", "m", "s"};
    for (int i = 0; i < units.length; i++) {
      if (ms != 0 && ms % units[i] == 0) {
        return ms / units[i] + names[i];
      }
    }
    return ms + "ms";
  }

  static long parseLong(String value, long min, long max) {
    try {
      long v = Long.parseLong(value);
      if (v < min || v > max) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + value + "' is not a whole number");
    }
  }

  private static double parseDouble(String value) {
    try {
      double v = Double.parseDouble(value);
      if (Double.isNaN(v) || value.chars().anyMatch(Character::isLetter)) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + value + "' is not a number");
    }
  }

  static boolean parseBool(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true", "on", "yes" -> true;
      case "false", "off", "no" -> false;
      default -> throw new IllegalArgumentException("'" + value + "' is not true/false (or on/off)");
    };
  }
}

package io.github.failoverresolver;

import io.github.failoverresolver.internal.config.SettingException;
import io.github.failoverresolver.internal.config.SettingValues;
import io.github.failoverresolver.internal.dns.ServerSpecs;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How names are looked up and cached: the providers in the order they are asked, and the cache's
 * time bounds. Immutable and validated by {@link Builder#build()}, whose errors name the setting and the
 * bad value.
 *
 * <p>Defaults, and where they come from:
 * <ul>
 *   <li>{@code queryTimeout} 2 s per provider: glibc's {@code options timeout} default is 5 s with 2
 *       attempts; a failover client wants to give up on a dead provider sooner.
 *   <li>{@code minTtl} 1 s and {@code maxTtl} 5 min: TTL 0 would make every call wait on DNS; 5 min
 *       bounds how long a changed record can go unseen (the JVM caches for 30 s by default).
 *   <li>{@code maxNegativeTtl} 60 s: RFC 2308 allows up to hours; a failover client wants a name that
 *       comes back to be seen soon.
 *   <li>{@code maxStale} 1 h: RFC 8767 suggests 1 to 3 days; an hour keeps stale addresses plausible.
 *   <li>{@code staleRecheck} 30 s: RFC 8767's "failure recheck timer".
 *   <li>{@code refreshAhead} 0.8: an entry in use is re-queried once 80 % of its TTL has passed (Unbound's
 *       prefetch uses 90 %; earlier leaves room for a slow provider).
 *   <li>{@code maxCnameChain} 8: BIND and Unbound stop between 8 and 16 hops; real chains are 1 to 3.
 *   <li>{@code providerRetryAfter} 30 s: a provider that failed is asked last for this long.
 * </ul>
 */
public final class DnsSettings {
  private final List<DnsProvider> providers;
  private final SettingValues values;
  private final Set<String> splitBrainNames;
  private final Set<String> dnssecZones;

  private DnsSettings(Builder b, List<DnsProvider> providers, Set<String> splitBrainNames) {
    this.dnssecZones = Set.copyOf(b.dnssecZones);
    this.providers = List.copyOf(providers);
    this.values = b.values.frozen();
    this.splitBrainNames = Set.copyOf(splitBrainNames);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Settings with the system resolver as the only provider. */
  public static DnsSettings systemDefault() {
    return builder().provider("system", Upstreams.system()).build();
  }

  /** The value of any [dns] setting of the table ({@link Setting.Scope#DNS}). */
  public <T> T get(Setting<T> setting) {
    return values.get(setting);
  }

  public List<DnsProvider> providers() {
    return providers;
  }

  public Duration queryTimeout() {
    return values.get(Setting.QUERY_TIMEOUT);
  }

  public Duration minTtl() {
    return values.get(Setting.MIN_TTL);
  }

  public Duration maxTtl() {
    return values.get(Setting.MAX_TTL);
  }

  public Duration maxNegativeTtl() {
    return values.get(Setting.MAX_NEGATIVE_TTL);
  }

  public Duration maxStale() {
    return values.get(Setting.MAX_STALE);
  }

  public Duration staleRecheck() {
    return values.get(Setting.STALE_RECHECK);
  }

  public double refreshAhead() {
    return values.get(Setting.REFRESH_AHEAD);
  }

  public int maxCnameChain() {
    return values.get(Setting.MAX_CNAME_CHAIN);
  }

  public long maxEntries() {
    return values.get(Setting.MAX_ENTRIES);
  }

  /** The cache's budget of estimated heap bytes, whatever its number of entries. */
  public long maxCacheBytes() {
    return values.get(Setting.MAX_CACHE_BYTES);
  }

  public Duration providerRetryAfter() {
    return values.get(Setting.PROVIDER_RETRY_AFTER);
  }

  /** Zones (absolute names) whose answers must be DNSSEC-validated by a validating provider. */
  public Set<String> dnssecZones() {
    return dnssecZones;
  }

  /** Absolute names (trailing dot) whose answers are compared between the first two providers. */
  public Set<String> splitBrainNames() {
    return splitBrainNames;
  }

  @Override
  public String toString() {
    return "DnsSettings{providers=" + providers + ", queryTimeout=" + queryTimeout() + ", ttl=[" + minTtl() + ", "
        + maxTtl() + "], maxNegativeTtl=" + maxNegativeTtl() + ", maxStale=" + maxStale() + "}";
  }

  /** Collects settings; not thread-safe. {@link #build()} validates everything at once. */
  public static final class Builder {
    private final Map<String, Upstreams> providers = new LinkedHashMap<>();
    private final List<String> duplicateProviders = new ArrayList<>();
    private final Set<String> splitBrain = new LinkedHashSet<>();
    private final Set<String> dnssecZones = new LinkedHashSet<>();
    private final SettingValues values = new SettingValues(Setting.Scope.DNS);

    private Builder() {}

    /** Adds a provider; providers are asked in the order they are added. */
    public Builder provider(String name, Upstreams upstreams) {
      Objects.requireNonNull(name, "provider name");
      Objects.requireNonNull(upstreams, "upstreams of provider " + name);
      if (providers.putIfAbsent(name, upstreams) != null) {
        duplicateProviders.add(name);
      }
      return this;
    }

    public Builder queryTimeout(Duration d) {
      values.set(Setting.QUERY_TIMEOUT, d);
      return this;
    }

    public Builder minTtl(Duration d) {
      values.set(Setting.MIN_TTL, d);
      return this;
    }

    public Builder maxTtl(Duration d) {
      values.set(Setting.MAX_TTL, d);
      return this;
    }

    public Builder maxNegativeTtl(Duration d) {
      values.set(Setting.MAX_NEGATIVE_TTL, d);
      return this;
    }

    public Builder maxStale(Duration d) {
      values.set(Setting.MAX_STALE, d);
      return this;
    }

    public Builder staleRecheck(Duration d) {
      values.set(Setting.STALE_RECHECK, d);
      return this;
    }

    /** The fraction of an entry's TTL after which an entry in use is re-queried in the background. */
    public Builder refreshAhead(double fraction) {
      values.set(Setting.REFRESH_AHEAD, fraction);
      return this;
    }

    public Builder maxCnameChain(int hops) {
      values.set(Setting.MAX_CNAME_CHAIN, hops);
      return this;
    }

    public Builder maxEntries(long entries) {
      values.set(Setting.MAX_ENTRIES, entries);
      return this;
    }

    /** The cache's budget of estimated heap bytes (default 64 MiB); big answers are evicted by size. */
    public Builder maxCacheBytes(long bytes) {
      values.set(Setting.MAX_CACHE_BYTES, bytes);
      return this;
    }

    public Builder providerRetryAfter(Duration d) {
      values.set(Setting.PROVIDER_RETRY_AFTER, d);
      return this;
    }

    /** Sets any [dns] setting of the table (for configuration files and frameworks). */
    <T> Builder set(Setting<T> setting, T value) {
      values.set(setting, value);
      return this;
    }

    /** Compares the first two providers' answers for this name on every query and reports differences. */
    public Builder splitBrainProbe(String name) {
      Objects.requireNonNull(name, "splitBrainProbe name");
      splitBrain.add(name.endsWith(".") ? name : name + ".");
      return this;
    }

    /**
     * Names in {@code zone} (and below) are accepted only when a provider marked
     * {@link Upstreams#validating()} answers with the AD bit set: an unsigned, unvalidated or bogus answer is
     * refused with an error that says so. Other providers are skipped for these names.
     */
    public Builder requireDnssec(String zone) {
      Objects.requireNonNull(zone, "requireDnssec zone");
      dnssecZones.add((zone.endsWith(".") ? zone : zone + ".").toLowerCase(java.util.Locale.ROOT));
      return this;
    }

    /** Validates every setting and builds; the error names the first bad setting and its value. */
    public DnsSettings build() {
      if (providers.isEmpty()) {
        throw new SettingException("dns", Optional.empty(), "",
            "dns.providers: empty; add at least one provider (for example Upstreams.system())");
      }
      if (!duplicateProviders.isEmpty()) {
        throw new SettingException("dns", Optional.empty(), "", "dns.providers: provider name '" + duplicateProviders.get(0) + "' is used twice");
      }
      values.validate("dns");
      if (!splitBrain.isEmpty() && providers.size() < 2) {
        throw new SettingException("dns.splitBrainProbe", Optional.empty(), "", "dns.splitBrainProbe " + splitBrain + ": needs at least two providers, have "
            + providers.keySet());
      }
      List<DnsProvider> built = new ArrayList<>();
      for (Map.Entry<String, Upstreams> p : providers.entrySet()) {
        built.add(buildProvider(p.getKey(), p.getValue()));
      }
      if (!dnssecZones.isEmpty() && built.stream().noneMatch(DnsProvider::validating)) {
        throw new SettingException("dns.requireDnssec", Optional.empty(), "", "dns.requireDnssec " + dnssecZones + ": no provider is marked validating;"
            + " use Upstreams.of(...).validating() for a DNSSEC-validating resolver you trust");
      }
      return new DnsSettings(this, built, splitBrain);
    }

    private static DnsProvider buildProvider(String name, Upstreams u) {
      String key = "dns.provider[" + name + "]";
      if (name.isBlank()) {
        throw new SettingException("dns", Optional.empty(), "", "dns.provider: a provider name is blank");
      }
      List<InetSocketAddress> servers = new ArrayList<>();
      if (u.resolvConf().isPresent()) {
        try {
          servers.addAll(ServerSpecs.fromResolvConf(u.resolvConf().get()));
        } catch (IOException e) {
          throw new SettingException(key, Optional.empty(), "", key + ": cannot read " + u.resolvConf().get() + ": "
              + e.getMessage());
        }
      }
      for (String spec : u.servers()) {
        try {
          servers.add(ServerSpecs.parse(key + ".server", spec));
        } catch (SettingException e) {
          throw e;
        } catch (IllegalArgumentException e) {
          throw new SettingException(key, Optional.empty(), spec, e.getMessage());
        }
      }
      if (servers.isEmpty() && u.hostsFile().isEmpty()) {
        throw new SettingException(key, Optional.empty(), "", key + ": no servers");
      }
      return new DnsProvider(name, servers, u.hostsFile(), u.isValidating(), u.doh(), u.dohTls());
    }
  }
}

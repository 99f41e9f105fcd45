package io.github.failoverresolver;

import io.github.failoverresolver.internal.HostNames;
import io.github.failoverresolver.internal.HostPort;
import io.github.failoverresolver.internal.config.SettingException;
import io.github.failoverresolver.internal.config.SettingValues;
import io.github.failoverresolver.internal.dns.DnsEngine;
import io.github.failoverresolver.internal.dns.ServerSpecs;
import io.github.failoverresolver.internal.engine.EndpointConfig;
import io.github.failoverresolver.internal.engine.ServiceConfig;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Validates what the service and endpoint builders collected into immutable configs. Every error is a
 * {@link SettingException} naming its holder ({@code service[pay].tier[0].endpoint[host:443]}) and, for a
 * bad value, the setting, so that a configuration file's loader can point at the line it came from.
 */
final class Configs {
  /** An endpoint spec that names an SRV record set instead of {@code host:port}. */
  static final String SRV_PREFIX = "srv:";

  private Configs() {}

  static String serviceKey(String name) {
    return "service[" + name + "]";
  }

  static String endpointKey(String service, int tier, String spec) {
    return serviceKey(service) + ".tier[" + tier + "].endpoint[" + spec + "]";
  }

  static ServiceConfig service(String name, ServiceBuilder b) {
    String key = serviceKey(name);
    if (name.isBlank() || !name.equals(name.strip()) || name.contains("/")) {
      throw structural(key, "service name '" + name + "': must be non-blank, without spaces or '/'");
    }
    if (b.endpoints.isEmpty()) {
      throw structural(key, key + ": no endpoints; add one with tier(0, \"host:port\")");
    }
    List<EndpointConfig> endpoints = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (ServiceBuilder.EndpointEntry e : b.endpoints) {
      String ek = endpointKey(name, e.tier(), e.spec());
      if (e.tier() < 0) {
        throw structural(ek, ek + ": tier must be 0 or more");
      }
      EndpointConfig ep = endpoint(ek, e);
      if (!seen.add(ep.name())) {
        throw structural(ek, ek + ": endpoint configured twice in service '" + name + "'");
      }
      endpoints.add(ep);
    }
    endpoints.sort(Comparator.comparingInt(EndpointConfig::tier));
    b.values.validate(key);
    return new ServiceConfig(name, endpoints, b.values.frozen());
  }

  private static EndpointConfig endpoint(String key, ServiceBuilder.EndpointEntry e) {
    String spec = Objects.requireNonNullElse(e.spec(), "");
    if (spec.strip().regionMatches(true, 0, SRV_PREFIX, 0, SRV_PREFIX.length())) {
      String name = hostName(key, spec.strip().substring(SRV_PREFIX.length()), true);
      return finish(key, e, SRV_PREFIX + name, name, 0, Optional.empty(), Optional.of(name));
    }
    HostPort hp;
    int port;
    try {
      hp = HostPort.split(spec);
      if (hp.port().isEmpty()) {
        throw new IllegalArgumentException(spec.strip().startsWith("[") ? "expected [ipv6]:port" : "expected host:port");
      }
      port = hp.portOr(0);
    } catch (IllegalArgumentException bad) {
      throw structural(key, key + ": " + bad.getMessage());
    }
    Optional<InetAddress> literal = ServerSpecs.ipLiteral(hp.host());
    String host = literal.isPresent() ? hp.host().toLowerCase(Locale.ROOT) : hostName(key, hp.host(), false);
    if (literal.isPresent() && !io.github.failoverresolver.internal.dns.DnsEngine.usableAddress(literal.get())) {
      throw structural(key, key + ": " + hp.host() + " is not a destination (unspecified, multicast or broadcast)");
    }
    return finish(key, e, HostPort.join(host, port), host, port, literal, Optional.empty());
  }

  private static EndpointConfig finish(String key, ServiceBuilder.EndpointEntry e, String name, String host, int port,
      Optional<InetAddress> literal, Optional<String> srv) {
    EndpointBuilder b = e.builder();
    b.values.validate(key);
    Optional<TlsTrust> tls = b.tls;
    if (tls.isPresent()) {
      // a configuration file's horizons apply to the trust object they sit beside
      TlsTrust t = tls.get();
      t = b.values.given(Setting.TLS_WARN_WITHIN) ? t.warnWithin(b.values.get(Setting.TLS_WARN_WITHIN)) : t;
      t = b.values.given(Setting.TLS_BLOCK_WITHIN) ? t.blockWithin(b.values.get(Setting.TLS_BLOCK_WITHIN)) : t;
      SettingValues.check(key, Setting.TLS_WARN_WITHIN, t.warnWithin());
      SettingValues.check(key, Setting.TLS_BLOCK_WITHIN, t.blockWithin());
      tls = Optional.of(t);
    }
    return new EndpointConfig(name, e.tier(), host, port, literal, b.check, tls, b.credential,
        b.values.frozen(), b.accessCheck, b.sessionLogin, srv);
  }

  /** A host name as DNS will be asked for it ({@link HostNames}), or an error naming the holder. */
  private static String hostName(String key, String given, boolean srv) {
    String bad = key + ": '" + given.replaceAll("\\p{Cntrl}", "?") + "' is not a valid " + (srv ? "SRV" : "host")
        + " name: ";
    String host;
    try {
      host = HostNames.normalize(given, srv);
    } catch (IllegalArgumentException e) {
      throw structural(key, bad + e.getMessage());
    }
    try {
      DnsEngine.parseName(host);
    } catch (DnsLookupException e) {
      throw structural(key, bad + e.getMessage());
    }
    return host;
  }

  private static SettingException structural(String holder, String message) {
    return new SettingException(holder, Optional.empty(), "", message);
  }
}

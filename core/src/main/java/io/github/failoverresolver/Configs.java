package io.github.failoverresolver;

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
    String host = literal.isPresent() ? hp.host().toLowerCase(Locale.ROOT) : hostName(key, hp.host());
    if (literal.isPresent() && !io.github.failoverresolver.internal.dns.DnsEngine.usableAddress(literal.get())) {
      throw structural(key, key + ": " + hp.host() + " is not a destination (unspecified, multicast or broadcast)");
    }
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
    return new EndpointConfig(HostPort.join(host, port), e.tier(), host, port, literal, b.check, tls, b.credential,
        b.values.frozen(), b.accessCheck, b.sessionLogin);
  }

  /**
   * A host name as DNS will be asked for it: IDN names in their ASCII form, lower case, no trailing dot,
   * letter-digit-hyphen labels of 1 to 63 characters not starting or ending with a hyphen, and not all
   * digits (an IPv4 literal that is not one, such as 256.1.1.1).
   */
  private static String hostName(String key, String given) {
    String bad = key + ": '" + given.replaceAll("\\p{Cntrl}", "?") + "' is not a valid host name: ";
    String ascii;
    try {
      ascii = java.net.IDN.toASCII(given, java.net.IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      throw structural(key, bad + "not a letter-digit-hyphen name");
    }
    String host = ascii.endsWith(".") ? ascii.substring(0, ascii.length() - 1) : ascii;
    if (host.isEmpty() || host.length() > 253) {
      throw structural(key, bad + "empty or longer than 253 characters");
    }
    boolean allNumeric = true;
    for (String label : host.split("\\.", -1)) {
      if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")
          || !label.chars().allMatch(c -> c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
        throw structural(key, bad + "each label must be 1 to 63 letters, digits or inner hyphens");
      }
      allNumeric &= label.chars().allMatch(Character::isDigit);
    }
    if (allNumeric) {
      throw structural(key, bad + "all numeric, but not an IP address");
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

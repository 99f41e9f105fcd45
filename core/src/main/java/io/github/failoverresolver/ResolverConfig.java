package io.github.failoverresolver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Reads a resolver configuration file, so that operators can run the readiness report and drills without
 * writing Java. An INI-like format; every error names the file, the line and the key:
 *
 * <pre>
 * # comments start with '#'
 * [dns]
 * provider.local = 127.0.0.1:5353          # a provider: "system", or servers separated by commas
 * provider.backup = 127.0.0.2:53
 * query-timeout = 2s                        # durations: 500ms, 30s, 5m, 1h, 14d
 * max-stale = 1h
 *
 * [service payments]
 * failback-stability = 30s
 * min-eligible = 1
 * panic-mode = false
 * require-independence = false
 *
 * [endpoint payments primary.example.com:443]
 * tier = 0
 * check = https /ready                      # tcp | tls | http /path | https /path [200-299]
 * interval = 5s
 * timeout = 1s
 * trust = /etc/failover/ca.pem              # PEM CA certificates for checks and TLS trust; "jvm" by default
 * tls = on                                  # judge certificates (chain, name, expiry horizon)
 * tls-warn-within = 14d
 * tls-block-within = 1d
 * credential = env:PAYMENTS_TOKEN           # env:NAME or file:/path
 * </pre>
 */
public final class ResolverConfig {
  private static final Pattern SECTION = Pattern.compile("\\[\\s*(dns|service|endpoint)(?:\\s+([^\\]]*))?\\s*]");
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  private ResolverConfig() {}

  /** Parses {@code file} into a builder ready to {@code build()} (which may still fail on cross-checks). */
  public static FailoverResolver.Builder load(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
    }
    return parse(file.toString(), lines);
  }

  private record Line(int number, String key, String value) {}

  private record Section(String kind, String args, int line, List<Line> entries) {}

  static FailoverResolver.Builder parse(String name, List<String> lines) {
    List<Section> sections = new ArrayList<>();
    Section current = null;
    for (int i = 0; i < lines.size(); i++) {
      String raw = lines.get(i);
      int hash = raw.indexOf(" #");
      String text = (raw.strip().startsWith("#") ? "" : hash >= 0 ? raw.substring(0, hash) : raw).strip();
      if (text.isEmpty()) {
        continue;
      }
      int n = i + 1;
      if (text.startsWith("[")) {
        Matcher m = SECTION.matcher(text);
        if (!m.matches()) {
          throw new ConfigException(name + ":" + n + ": unknown section " + text
              + "; expected [dns], [service NAME] or [endpoint SERVICE HOST:PORT]");
        }
        current = new Section(m.group(1), m.group(2) == null ? "" : m.group(2).strip(), n, new ArrayList<>());
        sections.add(current);
        continue;
      }
      int eq = text.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException(name + ":" + n + ": expected 'key = value', got '" + text + "'");
      }
      if (current == null) {
        throw new ConfigException(name + ":" + n + ": key '" + text.substring(0, eq).strip()
            + "' outside any section");
      }
      current.entries().add(new Line(n, text.substring(0, eq).strip(), text.substring(eq + 1).strip()));
    }

    FailoverResolver.Builder resolver = FailoverResolver.builder();
    Map<String, List<Consumer<ServiceBuilder>>> services = new LinkedHashMap<>();
    DnsSettings.Builder dns = null;
    for (Section s : sections) {
      switch (s.kind()) {
        case "dns" -> {
          dns = dns == null ? DnsSettings.builder() : dns;
          for (Line l : s.entries()) {
            dnsKey(name, dns, l);
          }
        }
        case "service" -> {
          if (s.args().isEmpty()) {
            throw new ConfigException(name + ":" + s.line() + ": [service] needs a name: [service payments]");
          }
          List<Consumer<ServiceBuilder>> steps = services.computeIfAbsent(s.args(), k -> new ArrayList<>());
          for (Line l : s.entries()) {
            steps.add(serviceKey(name, l));
          }
        }
        default -> {
          String[] parts = s.args().split("\\s+");
          if (parts.length != 2) {
            throw new ConfigException(name + ":" + s.line() + ": expected [endpoint SERVICE HOST:PORT], got ["
                + s.kind() + " " + s.args() + "]");
          }
          services.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(endpoint(name, parts[1], s));
        }
      }
    }
    if (dns != null) {
      try {
        resolver.dns(dns.build());
      } catch (IllegalArgumentException e) {
        throw new ConfigException(name + ": [dns]: " + e.getMessage(), e);
      }
    }
    for (Map.Entry<String, List<Consumer<ServiceBuilder>>> e : services.entrySet()) {
      resolver.service(e.getKey(), sb -> e.getValue().forEach(step -> step.accept(sb)));
    }
    return resolver;
  }

  private static void dnsKey(String file, DnsSettings.Builder dns, Line l) {
    String at = file + ":" + l.number() + ": key '" + l.key() + "'";
    if (l.key().startsWith("provider.")) {
      String provider = l.key().substring("provider.".length());
      if (l.value().equals("system")) {
        dns.provider(provider, Upstreams.system());
      } else {
        dns.provider(provider, Upstreams.of(l.value().split("\\s*,\\s*")));
      }
      return;
    }
    switch (l.key()) {
      case "query-timeout" -> dns.queryTimeout(duration(at, l.value()));
      case "min-ttl" -> dns.minTtl(duration(at, l.value()));
      case "max-ttl" -> dns.maxTtl(duration(at, l.value()));
      case "max-negative-ttl" -> dns.maxNegativeTtl(duration(at, l.value()));
      case "max-stale" -> dns.maxStale(duration(at, l.value()));
      default -> throw new ConfigException(at + ": unknown in [dns]; known: provider.NAME, query-timeout, min-ttl,"
          + " max-ttl, max-negative-ttl, max-stale");
    }
  }

  private static Consumer<ServiceBuilder> serviceKey(String file, Line l) {
    String at = file + ":" + l.number() + ": key '" + l.key() + "'";
    return switch (l.key()) {
      case "min-eligible" -> { int n = integer(at, l.value()); yield s -> s.minEligible(n); }
      case "failback-stability" -> { Duration d = duration(at, l.value()); yield s -> s.failbackStability(d); }
      case "max-failback-stability" -> { Duration d = duration(at, l.value()); yield s -> s.maxFailbackStability(d); }
      case "panic-mode" -> { boolean b = bool(at, l.value()); yield s -> s.panicMode(b); }
      case "require-independence" -> { boolean b = bool(at, l.value()); yield s -> s.requireIndependence(b); }
      case "block-shared-credentials" -> { boolean b = bool(at, l.value()); yield s -> s.blockSharedCredentials(b); }
      case "trust-interval" -> { Duration d = duration(at, l.value()); yield s -> s.trustInterval(d); }
      default -> throw new ConfigException(at + ": unknown in [service]; known: min-eligible, failback-stability,"
          + " max-failback-stability, panic-mode, require-independence, block-shared-credentials, trust-interval");
    };
  }

  private static Consumer<ServiceBuilder> endpoint(String file, String hostPort, Section s) {
    Integer tier = null;
    List<Consumer<EndpointBuilder>> steps = new ArrayList<>();
    String checkSpec = null;
    int checkLine = 0;
    SSLContext trustContext = null;
    KeyStore trustStore = null;
    boolean tls = false;
    Duration warn = Duration.ofDays(14);
    Duration block = Duration.ofDays(1);
    for (Line l : s.entries()) {
      String at = file + ":" + l.number() + ": key '" + l.key() + "'";
      switch (l.key()) {
        case "tier" -> tier = integer(at, l.value());
        case "check" -> {
          checkSpec = l.value();
          checkLine = l.number();
        }
        case "interval" -> { Duration d = duration(at, l.value()); steps.add(e -> e.interval(d)); }
        case "timeout" -> { Duration d = duration(at, l.value()); steps.add(e -> e.timeout(d)); }
        case "healthy-threshold" -> { int n = integer(at, l.value()); steps.add(e -> e.healthyThreshold(n)); }
        case "unhealthy-threshold" -> { int n = integer(at, l.value()); steps.add(e -> e.unhealthyThreshold(n)); }
        case "trust" -> {
          if (!l.value().equals("jvm")) {
            trustStore = pem(at, path(at, l.value()));
            trustContext = context(at, trustStore);
          }
        }
        case "tls" -> tls = bool(at, l.value());
        case "tls-warn-within" -> warn = duration(at, l.value());
        case "tls-block-within" -> block = duration(at, l.value());
        case "credential" -> {
          CredentialSource source = credential(at, l.value());
          steps.add(e -> e.credential(source));
        }
        default -> throw new ConfigException(at + ": unknown in [endpoint]; known: tier, check, interval, timeout,"
            + " healthy-threshold, unhealthy-threshold, trust, tls, tls-warn-within, tls-block-within, credential");
      }
    }
    if (tier == null) {
      throw new ConfigException(file + ":" + s.line() + ": [endpoint " + s.args() + "] has no 'tier = N'");
    }
    if (checkSpec != null) {
      HealthCheck check = check(file + ":" + checkLine + ": key 'check'", checkSpec, trustContext);
      steps.add(e -> e.check(check));
    }
    if (tls) {
      TlsTrust trust = (trustStore == null ? TlsTrust.jvmDefault() : TlsTrust.trusting(trustStore))
          .warnWithin(warn).blockWithin(block);
      steps.add(e -> e.tls(trust));
    }
    int t = tier;
    return sb -> sb.tier(t, hostPort, e -> steps.forEach(step -> step.accept(e)));
  }

  private static HealthCheck check(String at, String spec, SSLContext trust) {
    String[] p = spec.split("\\s+");
    try {
      switch (p[0]) {
        case "tcp":
          return HealthChecks.tcp();
        case "tls":
          return trust == null ? HealthChecks.tls() : HealthChecks.tls(trust);
        case "http":
        case "https": {
          if (p.length < 2) {
            throw new ConfigException(at + ": '" + spec + "' needs a path: " + p[0] + " /ready");
          }
          HealthChecks.Http h = p[0].equals("http") ? HealthChecks.http(p[1]) : HealthChecks.https(p[1]);
          if (p.length > 2) {
            String[] range = p[2].split("-");
            h = h.expectStatus(Integer.parseInt(range[0]), Integer.parseInt(range[range.length - 1]));
          }
          return trust == null || p[0].equals("http") ? h : h.sslContext(trust);
        }
        default:
          throw new ConfigException(at + ": unknown check '" + p[0] + "'; known: tcp, tls, http PATH, https PATH");
      }
    } catch (NumberFormatException e) {
      throw new ConfigException(at + ": bad status range in '" + spec + "'; expected e.g. 200-299");
    } catch (ConfigException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new ConfigException(at + ": " + e.getMessage(), e);
    }
  }

  private static CredentialSource credential(String at, String spec) {
    if (spec.startsWith("env:") && spec.length() > 4) {
      return CredentialSources.env(spec.substring(4));
    }
    if (spec.startsWith("file:") && spec.length() > 5) {
      return CredentialSources.file(path(at, spec.substring(5)));
    }
    throw new ConfigException(at + ": '" + spec + "' is not env:NAME or file:/path");
  }

  private static Path path(String at, String value) {
    try {
      return Path.of(value);
    } catch (java.nio.file.InvalidPathException e) {
      throw new ConfigException(at + ": '" + value.replace("\0", "\\0") + "' is not a valid path: " + e.getReason());
    }
  }

  private static KeyStore pem(String at, Path path) {
    try (InputStream in = Files.newInputStream(path)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        ks.setCertificateEntry("ca-" + i++, c);
      }
      if (i == 0) {
        throw new ConfigException(at + ": " + path + " holds no PEM certificate");
      }
      return ks;
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new ConfigException(at + ": cannot read certificates from " + path + ": " + e.getMessage(), e);
    }
  }

  private static SSLContext context(String at, KeyStore trust) {
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (java.security.GeneralSecurityException e) {
      throw new ConfigException(at + ": " + e.getMessage(), e);
    }
  }

  static Duration duration(String at, String value) {
    Matcher m = DURATION.matcher(value.toLowerCase(Locale.ROOT).strip());
    if (!m.matches()) {
      throw new ConfigException(at + ": '" + value + "' is not a duration (like 500ms, 30s, 5m, 1h, 14d)");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  private static int integer(String at, String value) {
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new ConfigException(at + ": '" + value + "' is not a whole number");
    }
  }

  private static boolean bool(String at, String value) {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "true", "on", "yes" -> true;
      case "false", "off", "no" -> false;
      default -> throw new ConfigException(at + ": '" + value + "' is not true/false (or on/off)");
    };
  }
}

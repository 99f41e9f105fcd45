package io.github.failoverresolver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import io.github.failoverresolver.internal.config.SettingException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * Reads a resolver configuration file, so that operators can run the readiness report and drills without
 * writing Java. An INI-like format; every error names the file, the line and the key, including errors
 * found only when the resolver is built:
 *
 * <pre>
 * # comments start with '#'
 * [dns]
 * provider.local = 127.0.0.1:5353          # a provider: "system", or servers separated by commas
 * provider.doh = https://9.9.9.9/dns-query # DNS over HTTPS ("https://NAME/PATH at IP" for a named host)
 * provider.local.validating = true         # a DNSSEC-validating resolver you trust (AD bit believed)
 * provider.local.hosts-file = /etc/hosts   # consulted before the servers
 * require-dnssec = secure.example          # zones, comma-separated
 * split-brain-probe = api.example          # names compared between the first two providers
 * query-timeout = 2s                       # durations: 500ms, 30s, 5m, 1h, 14d
 *
 * [resolver]
 * dns-refresh = 1s
 *
 * [service payments]
 * failback-stability = 30s
 *
 * [endpoint payments primary.example.com:443]
 * tier = 0
 * check = https /ready                      # tcp | tls | http /path | https /path [200-299]
 * access-check = https /api                 # must be refused (401/403) without a credential
 * trust = /etc/failover/ca.pem              # PEM CA certificates for checks and TLS trust; "jvm" by default
 * tls = on                                  # judge certificates (chain, name, expiry horizon)
 * credential = env:PAYMENTS_TOKEN           # env:NAME or file:/path
 * </pre>
 *
 * Every other key is a {@link Setting}: {@link Setting#all()} lists each with its section, default and
 * validation (the README's defaults table shows the same).
 */
public final class ResolverConfig {
  /** Configuration files are small; anything larger is refused rather than read. */
  static final int MAX_FILE_BYTES = 1024 * 1024;
  private static final java.util.Set<String> SECTIONS = java.util.Set.of("dns", "resolver", "service", "endpoint");

  private ResolverConfig() {}

  /** Parses {@code file} into a builder ready to {@code build()} (which may still fail on cross-checks). */
  public static FailoverResolver.Builder load(Path file) {
    byte[] bytes;
    try (java.io.InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_FILE_BYTES + 1); // bounded: a device or a huge file is not read forever
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
    }
    if (bytes.length > MAX_FILE_BYTES) {
      throw new ConfigException(file + ": larger than " + MAX_FILE_BYTES / 1024 + " KiB; not a configuration file?");
    }
    int from = bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb && (bytes[2] & 0xff) == 0xbf
        ? 3 : 0; // a UTF-8 byte order mark is skipped
    String text;
    try {
      text = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
          .decode(java.nio.ByteBuffer.wrap(bytes, from, bytes.length - from)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new ConfigException(file + ": not UTF-8 text (save it as UTF-8)");
    }
    return parse(file.toString(), List.of(text.split("\r?\n", -1)));
  }

  private record Line(String key, String value, String at) {}

  /**
   * One {@code key = value} from another source than a file (a framework's properties), with where it came
   * from as errors should name it (for example {@code property 'failover.dns.query-timeout'}).
   */
  public record Entry(String key, String value, String where) {
    public Entry {
      java.util.Objects.requireNonNull(key, "key");
      java.util.Objects.requireNonNull(value, "value");
      java.util.Objects.requireNonNull(where, "where");
    }
  }

  /**
   * One section from another source than a file: {@code kind} is {@code dns}, {@code resolver},
   * {@code service} (args: the name) or {@code endpoint} (args: {@code SERVICE HOST:PORT}); {@code where}
   * names it in errors.
   */
  public record Section(String kind, String args, String where, List<Entry> entries) {
    public Section {
      entries = List.copyOf(entries);
    }
  }

  /**
   * Builds from sections of keys that are exactly the configuration file's (the same settings table, parsing
   * and validation), for frameworks that carry the configuration in their own properties. Every error names
   * the {@code where} of the entry or section at fault.
   */
  public static FailoverResolver.Builder from(String source, List<Section> sections) {
    List<SectionLines> parsed = new ArrayList<>();
    for (Section s : sections) {
      if (!SECTIONS.contains(s.kind())) {
        throw new ConfigException(s.where() + ": unknown section kind '" + s.kind() + "'");
      }
      parsed.add(new SectionLines(s.kind(), s.args(), s.where(),
          s.entries().stream().map(e -> new Line(e.key(), e.value(), e.where())).toList()));
    }
    return build(source, parsed);
  }

  private record SectionLines(String kind, String args, String where, List<Line> entries) {}

  static FailoverResolver.Builder parse(String name, List<String> lines) {
    List<SectionLines> sections = new ArrayList<>();
    SectionLines current = null;
    for (int i = 0; i < lines.size(); i++) {
      String raw = lines.get(i);
      int hash = raw.indexOf(" #");
      String text = (raw.strip().startsWith("#") ? "" : hash >= 0 ? raw.substring(0, hash) : raw).strip();
      if (text.isEmpty()) {
        continue;
      }
      int n = i + 1;
      if (text.startsWith("[")) {
        // split by hand, in one pass: a regular expression here backtracked on long runs of spaces
        String inner = text.endsWith("]") ? text.substring(1, text.length() - 1).strip() : null;
        int space = inner == null ? -1 : indexOfWhitespace(inner);
        String kind = inner == null ? "" : space < 0 ? inner : inner.substring(0, space);
        if (!SECTIONS.contains(kind)) {
          throw new ConfigException(name + ":" + n + ": unknown section " + shown(text)
              + "; expected [dns], [resolver], [service NAME] or [endpoint SERVICE HOST:PORT]");
        }
        current = new SectionLines(kind, space < 0 ? "" : inner.substring(space).strip(), name + ":" + n,
            new ArrayList<>());
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
      String key = text.substring(0, eq).strip();
      current.entries().add(new Line(key, text.substring(eq + 1).strip(), name + ":" + n + ": key '" + key + "'"));
    }
    return build(name, sections);
  }

  private static FailoverResolver.Builder build(String name, List<SectionLines> sections) {
    FailoverResolver.Builder resolver = FailoverResolver.builder();
    Map<String, List<Consumer<ServiceBuilder>>> services = new LinkedHashMap<>();
    Map<String, String> origins = new HashMap<>();
    DnsSettings.Builder dns = null;
    for (SectionLines s : sections) {
      switch (s.kind()) {
        case "dns" -> {
          dns = dns == null ? DnsSettings.builder() : dns;
          Map<String, Upstreams> providers = new LinkedHashMap<>();
          Map<String, String> providerLines = new HashMap<>();
          for (Line l : s.entries()) {
            dnsKey(name, dns, l, providers, providerLines, origins);
          }
          for (Map.Entry<String, Upstreams> p : providers.entrySet()) {
            dns.provider(p.getKey(), p.getValue());
          }
        }
        case "resolver" -> {
          for (Line l : s.entries()) {
            Setting<?> setting = known(name, l, Setting.Scope.RESOLVER, "");
            origins.put("resolver#" + setting.name(), at(name, l));
            set(name, l, setting, resolver::set);
          }
        }
        case "service" -> {
          if (s.args().isEmpty()) {
            throw new ConfigException(s.where() + ": [service] needs a name: [service payments]");
          }
          String holder = Configs.serviceKey(s.args());
          origins.putIfAbsent(holder, s.where() + ": [service " + s.args() + "]");
          List<Consumer<ServiceBuilder>> steps = services.computeIfAbsent(s.args(), k -> new ArrayList<>());
          for (Line l : s.entries()) {
            Setting<?> setting = known(name, l, Setting.Scope.SERVICE, "");
            origins.put(holder + "#" + setting.name(), at(name, l));
            steps.add(set(name, l, setting));
          }
        }
        default -> {
          String[] parts = s.args().split("\\s+");
          if (parts.length != 2) {
            throw new ConfigException(s.where() + ": expected [endpoint SERVICE HOST:PORT], got ["
                + s.kind() + " " + s.args() + "]");
          }
          services.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(endpoint(name, parts[0], parts[1], s, origins));
        }
      }
    }
    try {
      if (dns != null) {
        resolver.dns(dns.build());
      }
    } catch (SettingException e) {
      throw locate(e, origins, name + ": [dns]");
    }
    resolver.origins(origins);
    for (Map.Entry<String, List<Consumer<ServiceBuilder>>> e : services.entrySet()) {
      resolver.service(e.getKey(), sb -> e.getValue().forEach(step -> step.accept(sb)));
    }
    return resolver;
  }

  private static int indexOfWhitespace(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  /** A line as an error shows it: at most 80 characters. */
  private static String shown(String text) {
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }

  /** Points an error found while building at the line its holder or setting came from. */
  static IllegalArgumentException locate(SettingException e, Map<String, String> origins, String fallback) {
    String where = e.setting().map(s -> origins.get(e.holder() + "#" + s.name())).orElse(null);
    if (where == null) {
      where = origins.get(e.holder());
    }
    if (where == null && fallback == null) {
      return e;
    }
    return new ConfigException((where == null ? fallback : where) + ": " + e.fileReason(), e);
  }

  private static String at(String file, Line l) {
    return l.at();
  }

  private static Setting<?> known(String file, Line l, Setting.Scope scope, String structural) {
    return Setting.byKey(scope, l.key()).orElseThrow(() -> new ConfigException(at(file, l) + ": unknown in ["
        + scope.section() + "]; known: " + structural + String.join(", ", Setting.keys(scope))));
  }

  /** Parses and checks one value (its own rule; pairs are checked when built). */
  private static <T> T value(String file, Line l, Setting<T> setting) {
    T v;
    try {
      v = setting.parse(l.value());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(at(file, l) + ": " + e.getMessage());
    }
    Optional<String> problem = setting.problem(v);
    if (problem.isPresent()) {
      throw new ConfigException(at(file, l) + ": '" + l.value() + "' " + problem.get());
    }
    return v;
  }

  private interface Sink {
    <T> void set(Setting<T> setting, T value);
  }

  private static <T> void set(String file, Line l, Setting<T> setting, Sink sink) {
    sink.set(setting, value(file, l, setting));
  }

  private static <T> Consumer<ServiceBuilder> set(String file, Line l, Setting<T> setting) {
    T v = value(file, l, setting);
    return sb -> sb.values.set(setting, v);
  }

  private static void dnsKey(String file, DnsSettings.Builder dns, Line l, Map<String, Upstreams> providers,
      Map<String, String> providerLines, Map<String, String> origins) {
    String at = at(file, l);
    if (l.key().startsWith("provider.")) {
      String rest = l.key().substring("provider.".length());
      String provider = rest.endsWith(".validating") ? rest.substring(0, rest.length() - ".validating".length())
          : rest.endsWith(".hosts-file") ? rest.substring(0, rest.length() - ".hosts-file".length()) : rest;
      Upstreams u = providers.get(provider);
      if (provider.equals(rest)) {
        if (u != null) {
          throw new ConfigException(at + ": provider '" + provider + "' is configured twice (first at "
              + providerLines.get(provider) + ")");
        }
        providers.put(provider, l.value().equals("system") ? Upstreams.system()
            : l.value().startsWith("https://") ? ConfigValues.doh(at, l.value())
            : Upstreams.of(l.value().split("\\s*,\\s*")));
        providerLines.put(provider, l.at());
        origins.put("dns.provider[" + provider + "]", at);
      } else if (u == null) {
        throw new ConfigException(at + ": provider '" + provider + "' is not defined above; add provider."
            + provider + " = SERVERS first");
      } else if (rest.endsWith(".validating")) {
        providers.put(provider, ConfigValues.bool(at, l.value()) ? u.validating() : u);
      } else {
        providers.put(provider, u.withHostsFile(ConfigValues.path(at, l.value())));
      }
      return;
    }
    switch (l.key()) {
      case "require-dnssec" -> {
        for (String zone : l.value().split("\\s*,\\s*")) {
          dns.requireDnssec(zone);
        }
        origins.put("dns.requireDnssec", at);
      }
      case "split-brain-probe" -> {
        for (String probe : l.value().split("\\s*,\\s*")) {
          dns.splitBrainProbe(probe);
        }
        origins.put("dns.splitBrainProbe", at);
      }
      default -> {
        Setting<?> setting = known(file, l, Setting.Scope.DNS, "provider.NAME, provider.NAME.validating,"
            + " provider.NAME.hosts-file, require-dnssec, split-brain-probe, ");
        origins.put("dns#" + setting.name(), at);
        set(file, l, setting, dns::set);
      }
    }
  }

  private static Consumer<ServiceBuilder> endpoint(String file, String service, String hostPort, SectionLines s,
      Map<String, String> origins) {
    Integer tier = null;
    List<Consumer<EndpointBuilder>> steps = new ArrayList<>();
    Map<String, String> keys = new HashMap<>();
    String checkSpec = null;
    String checkAt = "";
    String accessSpec = null;
    String accessAt = "";
    SSLContext trustContext = null;
    KeyStore trustStore = null;
    boolean tls = false;
    for (Line l : s.entries()) {
      String at = at(file, l);
      switch (l.key()) {
        case "tier" -> tier = ConfigValues.integer(at, l.value());
        case "check" -> {
          checkSpec = l.value();
          checkAt = l.at();
        }
        case "access-check" -> {
          accessSpec = l.value();
          accessAt = l.at();
        }
        case "trust" -> {
          if (!l.value().equals("jvm")) {
            trustStore = Pem.trustStore(at, ConfigValues.path(at, l.value()));
            trustContext = Pem.context(at, trustStore);
          }
        }
        case "tls" -> tls = ConfigValues.bool(at, l.value());
        case "credential" -> {
          CredentialSource source = ConfigValues.credential(at, l.value());
          steps.add(e -> e.credential(source));
        }
        default -> {
          Setting<?> setting = known(file, l, Setting.Scope.ENDPOINT, "tier, check, access-check, trust, tls,"
              + " credential, ");
          keys.put(setting.name(), at);
          steps.add(endpointValue(file, l, setting));
        }
      }
    }
    if (tier == null) {
      throw new ConfigException(s.where() + ": [endpoint " + s.args() + "] has no 'tier = N'");
    }
    String holder = Configs.endpointKey(service, tier, hostPort);
    origins.put(holder, s.where() + ": [endpoint " + s.args() + "]");
    keys.forEach((setting, at) -> origins.put(holder + "#" + setting, at));
    if (checkSpec != null) {
      HealthCheck check = ConfigValues.check(checkAt, checkSpec, trustContext);
      steps.add(e -> e.check(check));
    }
    if (accessSpec != null) {
      if (!accessSpec.startsWith("http ") && !accessSpec.startsWith("https ")) {
        throw new ConfigException(accessAt + ": '" + accessSpec + "' is not 'http PATH' or 'https PATH'");
      }
      HealthCheck access = ((HealthChecks.Http) ConfigValues.check(accessAt, accessSpec.split("\\s+").length > 2
          ? accessSpec.substring(0, accessSpec.lastIndexOf(' ')) : accessSpec, trustContext)).refusesUnauthenticated();
      steps.add(e -> e.accessCheck(access));
    }
    if (tls) {
      TlsTrust trust = trustStore == null ? TlsTrust.jvmDefault() : TlsTrust.trusting(trustStore);
      steps.add(e -> e.tls(trust));
    }
    int t = tier;
    return sb -> sb.tier(t, hostPort, e -> steps.forEach(step -> step.accept(e)));
  }

  private static <T> Consumer<EndpointBuilder> endpointValue(String file, Line l, Setting<T> setting) {
    T v = value(file, l, setting);
    return e -> e.values.set(setting, v);
  }
}

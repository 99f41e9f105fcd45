package io.github.failoverresolver;

import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * The configuration file's structural values (checks, credential sources, DoH providers, paths, numbers), parsed
 * into the library's objects; every error names the key's place ({@code at}). Used by {@link ResolverConfig}.
 */
final class ConfigValues {
  private ConfigValues() {}

  static HealthCheck check(String at, String spec, SSLContext trust) {
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
            String[] range = p[2].split("-", -1);
            if (range.length > 2 || range[0].isEmpty() || range[range.length - 1].isEmpty()) {
              throw new NumberFormatException(p[2]);
            }
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

  static CredentialSource credential(String at, String spec) {
    if (spec.startsWith("env:") && spec.length() > 4) {
      return CredentialSources.env(spec.substring(4));
    }
    if (spec.startsWith("file:") && spec.length() > 5) {
      return CredentialSources.file(path(at, spec.substring(5)));
    }
    throw new ConfigException(at + ": '" + spec + "' is not env:NAME or file:/path");
  }

  /** {@code https://IP[:PORT]/PATH}, or {@code https://NAME/PATH at IP} (DNS over HTTPS, the JVM's trust store). */
  static Upstreams doh(String at, String value) {
    String[] parts = value.split("\\s+at\\s+");
    try {
      return parts.length == 2 ? Upstreams.doh(parts[0], parts[1]) : Upstreams.doh(value);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(at + ": " + e.getMessage());
    }
  }

  static Path path(String at, String value) {
    try {
      return Path.of(value);
    } catch (java.nio.file.InvalidPathException e) {
      throw new ConfigException(at + ": '" + value.replace("\0", "\\0") + "' is not a valid path: " + e.getReason());
    }
  }

  static Duration duration(String at, String value) {
    return parsed(at, () -> Setting.parseDuration(value.strip()));
  }

  static int integer(String at, String value) {
    return parsed(at, () -> Math.toIntExact(Setting.parseLong(value.strip(), Integer.MIN_VALUE, Integer.MAX_VALUE)));
  }

  static boolean bool(String at, String value) {
    return parsed(at, () -> Setting.parseBool(value.strip()));
  }

  private static <T> T parsed(String at, java.util.function.Supplier<T> parse) {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(at + ": " + e.getMessage());
    }
  }
}

package io.github.failoverresolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.failoverresolver.testing.ManualScheduler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The settings table: every key round-trips through a configuration file into the built resolver, every
 * bad value is named by file, line and key (also those found only when the resolver is built), and the
 * README's defaults table is the table's own rendering.
 */
class SettingsTableTest {
  static final String ENDPOINT = "127.0.0.1:8443";

  @TempDir
  Path dir;

  /** A configuration with {@code line} in the section of {@code scope}; its line number is returned in [0]. */
  static List<String> config(Setting.Scope scope, String line, int[] lineNumber) {
    List<String> lines = new ArrayList<>();
    lines.add("[dns]");
    lines.add("provider.local = 127.0.0.1:9");
    if (scope == Setting.Scope.DNS) {
      lines.add(line);
      lineNumber[0] = lines.size();
    }
    lines.add("[resolver]");
    if (scope == Setting.Scope.RESOLVER) {
      lines.add(line);
      lineNumber[0] = lines.size();
    }
    lines.add("[service pay]");
    if (scope == Setting.Scope.SERVICE) {
      lines.add(line);
      lineNumber[0] = lines.size();
    }
    lines.add("[endpoint pay " + ENDPOINT + "]");
    lines.add("tier = 0");
    lines.add("tls = on");
    if (scope == Setting.Scope.ENDPOINT) {
      lines.add(line);
      lineNumber[0] = lines.size();
    }
    return lines;
  }

  /** A valid value other than the default (and within every pair's order with the other defaults). */
  @SuppressWarnings("unchecked")
  static <T> T other(Setting<T> s) {
    Object d = s.defaultValue();
    Object v;
    if (d instanceof Duration x) {
      v = x.isZero() ? Duration.ofMinutes(7) : x.multipliedBy(2);
      if (s == Setting.MIN_TTL || s == Setting.FAILBACK_STABILITY || s == Setting.BASE_EJECTION) {
        v = x.plusSeconds(1);
      }
    } else if (d instanceof Integer x) {
      v = x + 1;
    } else if (d instanceof Long x) {
      v = x + 1;
    } else if (d instanceof Double x) {
      v = x < 1 ? x / 2 : x + 1;
    } else {
      v = !(Boolean) d;
    }
    return (T) v;
  }

  /** A value the file form can hold that the setting must refuse (or that does not parse). */
  static <T> String bad(Setting<T> s) {
    Object d = s.defaultValue();
    if (d instanceof Duration) {
      return s.problem(s.cast(Duration.ZERO)).isPresent() ? "0ms" : "soon";
    } else if (d instanceof Integer || d instanceof Long) {
      return "-1";
    } else if (d instanceof Double) {
      return "-1";
    }
    return "maybe";
  }

  /** Built on virtual time with an executor that runs nothing: no check, trust round or lookup happens. */
  FailoverResolver build(List<String> lines) throws Exception {
    Path file = dir.resolve("test.conf");
    Files.write(file, lines, StandardCharsets.UTF_8);
    ManualScheduler time = new ManualScheduler(Instant.parse("2026-01-01T00:00:00Z"));
    return ResolverConfig.load(file).clock(time.clock()).scheduler(time).checkExecutor(task -> { })
        .controlExecutor(Runnable::run).listenerExecutor(Runnable::run).build();
  }

  @Test
  void everyKeyOfTheTableRoundTripsThroughAConfigurationFile() throws Exception {
    assertTrue(Setting.all().size() >= 30, "the table has every setting: " + Setting.all().size());
    for (Setting<?> s : Setting.all()) {
      roundTrip(s);
    }
  }

  private <T> void roundTrip(Setting<T> s) throws Exception {
    T value = other(s);
    assertNotEquals(s.defaultValue(), value, s.toString());
    assertEquals(value, s.parse(s.format(value)), "file form of " + s);
    try (FailoverResolver r = build(config(s.scope(), s.key() + " = " + s.format(value), new int[1]))) {
      assertEquals(value, r.setting(s, "pay", ENDPOINT), s + " = " + s.format(value));
    }
    try (FailoverResolver r = build(config(s.scope(), "", new int[1]))) {
      assertEquals(s.defaultValue(), r.setting(s, "pay", ENDPOINT), s + " left out reads as its default");
    }
  }

  @Test
  void aBadValueOfEveryKeyNamesTheFileTheLineAndTheKey() {
    for (Setting<?> s : Setting.all()) {
      int[] line = new int[1];
      List<String> lines = config(s.scope(), s.key() + " = " + bad(s), line);
      ConfigException e = assertThrows(ConfigException.class, () -> build(lines).close(), s.toString());
      String expected = dir.resolve("test.conf") + ":" + line[0] + ": key '" + s.key() + "': ";
      assertTrue(e.getMessage().startsWith(expected), e.getMessage() + " should start with " + expected);
      assertFalse(e.getMessage().contains("Exception"), e.getMessage());
    }
  }

  @Test
  void valuesFoundInvalidOnlyWhenBuiltAreNamedByFileLineAndKey() {
    String file = dir.resolve("test.conf").toString();
    // one key of a pair, out of order with the other's default: the line that set it
    assertEquals(file + ":5: key 'failback-stability': '20m' is greater than max-failback-stability = 10m",
        assertThrows(ConfigException.class, () -> build(config(Setting.Scope.SERVICE, "failback-stability = 20m",
            new int[1])).close()).getMessage());
    assertEquals(file + ":5: key 'max-ejection': '10s' is less than base-ejection = 30s",
        assertThrows(ConfigException.class, () -> build(config(Setting.Scope.SERVICE, "max-ejection = 10s",
            new int[1])).close()).getMessage());
    assertEquals(file + ":3: key 'min-ttl': '10m' is greater than max-ttl = 5m",
        assertThrows(ConfigException.class, () -> build(config(Setting.Scope.DNS, "min-ttl = 10m", new int[1]))
            .close()).getMessage());
    // a structural problem of a section: its header line
    assertEquals(file + ":6: [endpoint pay nohost]: service[pay].tier[0].endpoint[nohost]: expected host:port",
        assertThrows(ConfigException.class, () -> build(List.of("[dns]", "provider.local = 127.0.0.1:9",
            "[service pay]", "min-eligible = 1", "", "[endpoint pay nohost]", "tier = 0")).close()).getMessage());
    // a DNS rule across keys: the key that asked for it
    ConfigException dnssec = assertThrows(ConfigException.class, () -> build(List.of("[dns]",
        "provider.local = 127.0.0.1:9", "require-dnssec = secure.test", "[endpoint pay " + ENDPOINT + "]",
        "tier = 0")).close());
    assertTrue(dnssec.getMessage().startsWith(file + ":3: key 'require-dnssec': dns.requireDnssec [secure.test.]:"
        + " no provider is marked validating"), dnssec.getMessage());
    // and a provider marked validating satisfies it
    assertDoesNotThrowClosing(List.of("[dns]", "provider.local = 127.0.0.1:9", "provider.local.validating = on",
        "require-dnssec = secure.test", "[endpoint pay " + ENDPOINT + "]", "tier = 0"));
  }

  private void assertDoesNotThrowClosing(List<String> lines) {
    org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> build(lines).close());
  }

  /** Durations that would overflow a deadline are refused once, in the table, from builders and files alike. */
  @Test
  @SuppressWarnings("unchecked")
  void everyDurationIsBoundedFromBuildersAndFiles() {
    String file = dir.resolve("test.conf").toString();
    for (Setting<?> s : Setting.all()) {
      if (s.valueType() != Duration.class) {
        continue;
      }
      int[] line = new int[1];
      ConfigException tooLong = assertThrows(ConfigException.class, () -> build(config(s.scope(),
          s.key() + " = 200000d", line)).close(), s.toString());
      assertEquals(file + ":" + line[0] + ": key '" + s.key() + "': '200000d' must be at most 3650d",
          tooLong.getMessage());
      ConfigException overflow = assertThrows(ConfigException.class, () -> build(config(s.scope(),
          s.key() + " = 9999999999999999d", line)).close(), s.toString());
      assertTrue(overflow.getMessage().startsWith(file + ":" + line[0] + ": key '" + s.key() + "': "),
          overflow.getMessage());
      assertEquals(Optional.of("must be at most 3650d"),
          ((Setting<Duration>) s).problem(java.time.temporal.ChronoUnit.FOREVER.getDuration()));
    }
    IllegalArgumentException forever = assertThrows(IllegalArgumentException.class, () -> FailoverResolver.builder()
        .dns(DnsSettings.builder().provider("none", Upstreams.of("127.0.0.1:9")).build())
        .service("pay", x -> x.tier(0, ENDPOINT, e -> e.interval(java.time.temporal.ChronoUnit.FOREVER.getDuration())))
        .build());
    assertTrue(forever.getMessage().startsWith("service[pay].tier[0].endpoint[" + ENDPOINT + "].interval=PT"),
        forever.getMessage());
    assertTrue(forever.getMessage().endsWith(": must be at most 3650d"), forever.getMessage());
  }

  /** A section header is split in one pass: 4,000 spaces before a missing bracket fail at once. */
  @Test
  void aLongMalformedSectionHeaderFailsAtOnce() {
    String header = "[service" + " ".repeat(4_000) + "x";
    ConfigException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(2),
        () -> assertThrows(ConfigException.class, () -> build(List.of(header)).close()));
    assertTrue(e.getMessage().contains(":1: unknown section [service    "), e.getMessage());
  }

  /** Files that are not what they should be fail with a message naming file (and line and key), never hang. */
  @Test
  void oddFilesFailWithAMessageNeverAHangOrAStackTrace() throws Exception {
    Path file = dir.resolve("test.conf");
    String base = "[dns]\nprovider.local = 127.0.0.1:9\n[endpoint pay " + ENDPOINT + "]\ntier = 0\n";
    Files.write(file, concat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, base.getBytes(StandardCharsets.UTF_8)));
    ResolverConfig.load(file); // a UTF-8 byte order mark is fine
    Files.write(file, concat(base.getBytes(StandardCharsets.UTF_8), "# caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1)));
    assertEquals(file + ": not UTF-8 text (save it as UTF-8)",
        assertThrows(ConfigException.class, () -> ResolverConfig.load(file)).getMessage());
    Files.writeString(file, base + "check = http /ready -\n");
    assertEquals(file + ":5: key 'check': bad status range in 'http /ready -'; expected e.g. 200-299",
        assertThrows(ConfigException.class, () -> ResolverConfig.load(file)).getMessage());
    if (Files.exists(Path.of("/dev/zero"))) {
      Files.writeString(file, base + "trust = /dev/zero\n");
      ConfigException zero = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10),
          () -> assertThrows(ConfigException.class, () -> ResolverConfig.load(file)));
      assertTrue(zero.getMessage().startsWith(file + ":5: key 'trust': /dev/zero is larger than"), zero.getMessage());
    }
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void theReadmeDefaultsTableIsTheSettingsTable() throws Exception {
    Path readme = Path.of("..", "README.md");
    String text = Files.readString(readme, StandardCharsets.UTF_8);
    String table = Setting.markdownTable();
    assertTrue(text.contains(table), "README.md's defaults table differs from Setting.markdownTable(); paste:\n"
        + table);
  }
}

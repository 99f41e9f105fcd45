package io.github.failoverresolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.failoverresolver.internal.dns.ServerSpecs;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** The parsers of settings and configuration files: round trips, and only clear errors on any input. */
class ParserProperties {

  @Property
  void ipv4ServerSpecsRoundTrip(@ForAll @IntRange(min = 0, max = 255) int a, @ForAll @IntRange(max = 255) int b,
      @ForAll @IntRange(max = 255) int c, @ForAll @IntRange(max = 255) int d,
      @ForAll @IntRange(min = 1, max = 65535) int port) throws Exception {
    String ip = a + "." + b + "." + c + "." + d;
    assertEquals(new InetSocketAddress(InetAddress.getByName(ip), port), ServerSpecs.parse("k", ip + ":" + port));
    assertEquals(53, ServerSpecs.parse("k", ip).getPort());
  }

  @Property
  void ipv6ServerSpecsRoundTrip(@ForAll("ipv6") byte[] raw, @ForAll @IntRange(min = 1, max = 65535) int port)
      throws Exception {
    InetAddress address = InetAddress.getByAddress(raw);
    String text = address.getHostAddress();
    assertEquals(new InetSocketAddress(address, port), ServerSpecs.parse("k", "[" + text + "]:" + port));
  }

  @Provide
  Arbitrary<byte[]> ipv6() {
    return Arbitraries.bytes().array(byte[].class).ofSize(16);
  }

  @Property
  void anyServerSpecEitherParsesOrFailsNamingTheKey(@ForAll("specs") String spec) {
    try {
      InetSocketAddress parsed = ServerSpecs.parse("dns.provider[p].server", spec);
      assertTrue(parsed.getPort() >= 1 && parsed.getPort() <= 65535);
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage().startsWith("dns.provider[p].server='" + spec + "': "), e.getMessage());
    }
  }

  @Provide
  Arbitrary<String> specs() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars("0123456789.:[]abcdef ").ofMaxLength(30),
        Arbitraries.strings().ofMaxLength(20));
  }

  @Property
  void durationsRoundTrip(@ForAll @IntRange(min = 0, max = 100_000) int n, @ForAll("units") String unit) {
    Duration d = ConfigValues.duration("f:1: key 'x'", n + unit);
    Duration expected = switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
    assertEquals(expected, d);
  }

  @Provide
  Arbitrary<String> units() {
    return Arbitraries.of("ms", "s", "m", "h", "d");
  }

  /** Whatever the lines, the parser returns a builder or a ConfigException that names the file and line. */
  @Property(tries = 500)
  void anyConfigFileParsesOrFailsWithFileAndLine(@ForAll("configLines") List<String> lines) {
    try {
      ResolverConfig.parse("fuzz.conf", lines);
    } catch (ConfigException e) {
      assertTrue(e.getMessage().startsWith("fuzz.conf"), e.getMessage());
    }
  }

  @Provide
  Arbitrary<List<String>> configLines() {
    Arbitrary<String> key = Arbitraries.of("tier", "check", "interval", "timeout", "credential", "tls", "trust",
        "provider.x", "max-stale", "min-eligible", "panic-mode", "failback-stability", "colour");
    Arbitrary<String> value = Arbitraries.oneOf(Arbitraries.of("0", "1", "5s", "on", "tcp", "http /ready",
        "https /ready 200-299", "env:X", "file:/nonexistent", "127.0.0.1:5353", "jvm", "", "-1", "ping"),
        Arbitraries.strings().ofMaxLength(8));
    Arbitrary<String> pair = net.jqwik.api.Combinators.combine(key, value).as((k, v) -> k + " = " + v);
    Arbitrary<String> section = Arbitraries.of("[dns]", "[service pay]", "[endpoint pay a.test:443]",
        "[endpoint pay]", "[services]", "[service]", "# comment", "", "no equals sign");
    return Arbitraries.oneOf(pair, section).list().ofMaxSize(12);
  }
}

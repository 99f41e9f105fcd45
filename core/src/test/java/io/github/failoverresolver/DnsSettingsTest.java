package io.github.failoverresolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad configuration fails at build time with the setting and the value in the message. */
class DnsSettingsTest {

  static String error(UnaryOperator<DnsSettings.Builder> config) {
    DnsSettings.Builder b = DnsSettings.builder();
    return assertThrows(IllegalArgumentException.class, () -> config.apply(b).build()).getMessage();
  }

  static DnsSettings.Builder ok() {
    return DnsSettings.builder().provider("p", Upstreams.of("127.0.0.1:5353"));
  }

  @Test
  void unparsableServerIsNamedWithItsProvider() {
    assertEquals("dns.provider[quad9].server='9.9.9.9:99999': port 99999 is out of range 1..65535",
        error(b -> b.provider("quad9", Upstreams.of("9.9.9.9:99999"))));
    assertEquals("dns.provider[p].server='dns.example:53': 'dns.example' is not an IP address (a DNS server is given"
        + " by address)", error(b -> b.provider("p", Upstreams.of("dns.example:53"))));
    assertEquals("dns.provider[p].server='[::1:53': missing ']'", error(b -> b.provider("p", Upstreams.of("[::1:53"))));
    assertEquals("dns.provider[p].server='1.2.3.4:x': port 'x' is not a number",
        error(b -> b.provider("p", Upstreams.of("1.2.3.4:x"))));
  }

  @Test
  void serverSpecsInEveryForm() {
    DnsSettings s = DnsSettings.builder()
        .provider("p", Upstreams.of("127.0.0.1", "127.0.0.2:5353", "[::1]:5300", "::1"))
        .build();
    assertEquals(List.of(new InetSocketAddress("127.0.0.1", 53), new InetSocketAddress("127.0.0.2", 5353),
        new InetSocketAddress("::1", 5300), new InetSocketAddress("::1", 53)), s.providers().get(0).servers());
  }

  @Test
  void negativeTtlBoundIsNamed() {
    assertEquals("dns.minTtl=PT-1S: must not be negative", error(b -> ok().minTtl(Duration.ofSeconds(-1))));
    assertEquals("dns.maxNegativeTtl=PT-5S: must not be negative",
        error(b -> ok().maxNegativeTtl(Duration.ofSeconds(-5))));
  }

  @Test
  void minTtlAboveMaxTtlIsNamed() {
    assertEquals("dns.minTtl=PT10M is greater than dns.maxTtl=PT5M",
        error(b -> ok().minTtl(Duration.ofMinutes(10)).maxTtl(Duration.ofMinutes(5))));
  }

  @Test
  void emptyProviderListIsNamed() {
    assertEquals("dns.providers: empty; add at least one provider (for example Upstreams.system())", error(b -> b));
  }

  @Test
  void otherBadValuesAreNamed() {
    assertEquals("dns.queryTimeout=PT0S: must be a positive duration", error(b -> ok().queryTimeout(Duration.ZERO)));
    assertEquals("dns.refreshAhead=1.5: must be between 0 and 1 (exclusive)", error(b -> ok().refreshAhead(1.5)));
    assertEquals("dns.maxCnameChain=0: must be within 1..32", error(b -> ok().maxCnameChain(0)));
    assertEquals("dns.providers: provider name 'p' is used twice",
        error(b -> ok().provider("p", Upstreams.of("127.0.0.1"))));
    assertEquals("dns.splitBrainProbe [pay.test.]: needs at least two providers, have [p]",
        error(b -> ok().splitBrainProbe("pay.test")));
  }

  @Test
  void systemProviderReadsResolvConfThroughDnsjava(@TempDir Path dir) throws IOException {
    Path resolv = Files.writeString(dir.resolve("resolv.conf"),
        "# comment\nsearch example.test\nnameserver 127.0.0.53\nnameserver ::1\noptions ndots:2\n");
    Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost\n");
    DnsProvider p = DnsSettings.builder().provider("system", Upstreams.system(resolv, hosts)).build().providers().get(0);
    assertEquals(List.of(new InetSocketAddress("127.0.0.53", 53), new InetSocketAddress("::1", 53)), p.servers());
    assertEquals(hosts, p.hostsFile().orElseThrow());
  }

  @Test
  void resolvConfWithoutNameserverMeansTheLocalServer(@TempDir Path dir) throws IOException {
    Path resolv = Files.writeString(dir.resolve("resolv.conf"), "search example.test\n");
    DnsProvider p = DnsSettings.builder().provider("system", Upstreams.system(resolv, dir.resolve("hosts"))).build()
        .providers().get(0);
    assertEquals(List.of(new InetSocketAddress("127.0.0.1", 53)), p.servers());
  }

  @Test
  void unreadableResolvConfIsNamed(@TempDir Path dir) {
    Path missing = dir.resolve("nope.conf");
    String m = error(b -> b.provider("system", Upstreams.system(missing, dir.resolve("hosts"))));
    assertEquals("dns.provider[system]: cannot read " + missing + ": " + missing, m);
  }
}

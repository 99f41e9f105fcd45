package io.github.failoverresolver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Endpoints given as names, both address families, against the loopback DNS server with real lookup threads:
 * a name's first A answer serves before its AAAA answer comes (RFC 8305 section 3: a client does not wait for
 * both families), and the AAAA addresses join when it does.
 */
class EndpointNamesTest {
  final ExecutorService pool = FailoverResolverThreadsTest.checkThreads();
  final ResolverFixture f = new ResolverFixture();

  @AfterEach
  void close() throws Exception {
    f.close();
    pool.shutdownNow();
  }

  void start() {
    f.start(r -> r.service("pay", s -> s.tier(0, "dual.test:8080")),
        // a query timeout longer than the tests wait: an AAAA answer held back is waited for, not given up on
        b -> b.dns(DnsSettings.builder().provider("loopback", Upstreams.of(f.dns.hostAndPort()))
            .queryTimeout(Duration.ofSeconds(30)).build()), pool);
  }

  List<InetAddress> addresses() {
    return f.resolver.select("pay").inetAddresses();
  }

  @Test
  void theAAnswerServesBeforeTheAaaaAnswerComes() throws Exception {
    f.dns.a("dual.test", 300, "127.0.0.1").aaaa("dual.test", 300, "::1").holdAnswers("AAAA");
    start();
    FailoverResolverThreadsTest.awaitSelected(f.resolver, "pay", "dual.test:8080");
    assertEquals(List.of(InetAddress.getByName("127.0.0.1")), List.copyOf(addresses()), "IPv4 while AAAA is held");
    f.dns.resume();
    FailoverResolverThreadsTest.await("the AAAA address joins", () -> addresses().size() == 2);
    assertEquals(List.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1")), List.copyOf(addresses()));
  }

  @Test
  void aNameWithOnlyAaaaRecordsResolvesToThem() throws Exception {
    f.dns.aaaa("dual.test", 300, "::1");
    start();
    FailoverResolverThreadsTest.awaitSelected(f.resolver, "pay", "dual.test:8080");
    assertEquals(List.of(InetAddress.getByName("::1")), List.copyOf(addresses()));
  }
}

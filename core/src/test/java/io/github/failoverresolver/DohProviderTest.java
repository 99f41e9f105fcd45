package io.github.failoverresolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.failoverresolver.testing.LoopbackDnsServer;
import io.github.failoverresolver.testing.LoopbackDohServer;
import io.github.failoverresolver.testing.TestCertificates;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DNS over HTTPS as an independent provider, over real sockets: a loopback DoH server (TLS with a certificate
 * made here) in front of its own loopback DNS server, beside a plain provider whose server drops packets.
 */
class DohProviderTest {
  final TestCertificates.Authority ca = TestCertificates.authority("doh-ca");
  LoopbackDnsServer plain;
  LoopbackDnsServer behindDoh;
  LoopbackDohServer doh;

  @BeforeEach
  void servers() {
    plain = LoopbackDnsServer.start();
    plain.zone("test", 3600, 30).a("api.test", 300, "127.0.0.9");
    behindDoh = LoopbackDnsServer.start();
    behindDoh.zone("test", 3600, 30).a("api.test", 300, "127.0.0.9");
    doh = LoopbackDohServer.start(behindDoh, ca.issue("127.0.0.1", Duration.ofDays(30)));
  }

  @AfterEach
  void close() {
    doh.close();
    behindDoh.close();
    plain.close();
  }

  DnsCache cache(Upstreams dohProvider) {
    return DnsCache.builder(DnsSettings.builder()
        .provider("system", Upstreams.of(plain.hostAndPort()))
        .provider("doh", dohProvider)
        .queryTimeout(Duration.ofSeconds(1)) // room for a cold JVM's first TLS handshake on a loaded machine
        .build()).build();
  }

  @Test
  void whenThePlainProviderDropsPacketsLookupsMoveToDohWithinOneQueryTimeout() throws Exception {
    plain.fault(LoopbackDnsServer.Fault.DROP);
    try (DnsCache c = cache(Upstreams.doh(doh.url()).trusting(ca.clientContext()))) {
      long t0 = System.nanoTime();
      DnsAnswer a = c.lookup("api.test", RecordType.A);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(List.of(InetAddress.getByName("127.0.0.9")), a.addresses());
      assertEquals("doh", a.source());
      assertTrue(ms < 1_000 + 1_000, "one query timeout, then DoH within its own: " + ms + " ms");
      assertTrue(doh.requests().contains("POST application/dns-message"), doh.requests().toString());
      System.out.println("plain provider dropping, answered by DoH after " + ms + " ms");
      assertEquals(0, c.stats().queriesByProvider().get("doh").get("failed"));
      assertEquals(1, c.stats().queriesByProvider().get("doh").get("answer"));
    }
  }

  @Test
  void aDohServerWhoseCertificateIsForAnotherNameIsNotBelieved() {
    LoopbackDohServer impostor = LoopbackDohServer.start(behindDoh, ca.issue("127.0.0.2", Duration.ofDays(30)));
    try (DnsCache c = cache(Upstreams.doh(impostor.url()).trusting(ca.clientContext()))) {
      plain.fault(LoopbackDnsServer.Fault.DROP);
      DnsLookupException e = assertThrows(DnsLookupException.class, () -> c.lookup("api.test", RecordType.A));
      assertTrue(e.getMessage().contains("doh") && e.getMessage().contains("DoH error"), e.getMessage());
    } finally {
      impostor.close();
    }
  }

  @Test
  void aDohServerAnsweringAnHttpErrorMovesOnLikeAServfail() throws Exception {
    doh.status(503);
    try (DnsCache c = DnsCache.builder(DnsSettings.builder()
        .provider("doh", Upstreams.doh(doh.url()).trusting(ca.clientContext()))
        .provider("system", Upstreams.of(plain.hostAndPort()))
        .queryTimeout(Duration.ofSeconds(1)).build()).build()) {
      DnsAnswer a = c.lookup("api.test", RecordType.A);
      assertEquals("system", a.source());
      assertEquals(1, c.stats().queriesByProvider().get("doh").get("failed"));
    }
  }

  @Test
  void aDohUrlMustBeHttpsAndItsHostAnAddressOrGivenOne() {
    assertThrows(IllegalArgumentException.class, () -> Upstreams.doh("http://127.0.0.1/dns-query"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DnsSettings.builder()
        .provider("doh", Upstreams.doh("https://dns.example/dns-query")).build());
    assertTrue(e.getMessage().contains("doh"), e.getMessage());
    DnsSettings ok = DnsSettings.builder().provider("doh", Upstreams.doh("https://dns.example/dns-query", "127.0.0.1"))
        .build();
    assertTrue(ok.providers().get(0).doh().isPresent());
  }
}

package io.github.failoverresolver.okhttp;

import static io.github.failoverresolver.ServiceBuilder.srv;
import static io.github.failoverresolver.okhttp.OkHttpTests.get;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.failoverresolver.FailoverEvent;
import io.github.failoverresolver.HealthChecks;
import io.github.failoverresolver.ResolverFixture;
import io.github.failoverresolver.TlsTrust;
import io.github.failoverresolver.testing.LoopbackHttpServer;
import io.github.failoverresolver.testing.TestCertificates;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The real OkHttp client against SRV-defined endpoints over real TLS: each target presents a certificate for
 * its own name only, so a request verifies only if the client connects to the record's port under the
 * target's name; when the serving target stops, the next SRV target takes over within the tier.
 */
class SrvOkHttpTest {
  final ResolverFixture f = new ResolverFixture(Instant.now());
  final TestCertificates.Authority ca = TestCertificates.authority("test-ca");
  OkHttpClient client;

  @AfterEach
  void close() throws Exception {
    OkHttpTests.release(client);
    f.close();
  }


  @Test
  void requestsGoToTheSrvTargetsUnderTheirOwnNamesAndPortsAndMoveWithinTheTier() throws Exception {
    LoopbackHttpServer one = f.closeLater(LoopbackHttpServer.https("one", ca.issue("one.pay.test", Duration.ofDays(30))));
    LoopbackHttpServer two = f.closeLater(LoopbackHttpServer.https("two", ca.issue("two.pay.test", Duration.ofDays(30))));
    f.dns.a("one.pay.test", 300, "127.0.0.1").a("two.pay.test", 300, "127.0.0.1")
        .srv("_https._tcp.pay.test", 300, 10, 1, one.port(), "one.pay.test")
        .srv("_https._tcp.pay.test", 300, 20, 1, two.port(), "two.pay.test");
    TlsTrust trust = TlsTrust.trusting(ca.trustStore());
    f.start(r -> r.service("payments", s -> s
        .tier(0, srv("_https._tcp.pay.test"), e -> e
            .check(HealthChecks.https("/ready").sslContext(ca.clientContext()))
            .passiveFirst(false)
            .tls(trust))));
    assertEquals(2, f.resolver.targets("payments").size(), "both targets checked (checks run on the test thread)");
    client = FailoverOkHttp.install(new OkHttpClient.Builder()
        .connectTimeout(Duration.ofSeconds(2)).readTimeout(Duration.ofSeconds(5))
        .sslSocketFactory(ca.clientContext().getSocketFactory(), ca.trustManager()), f.resolver).build();
    List<String> servedBy = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      if (i == 3) {
        one.stop();
      }
      servedBy.add(get(client, "https://payments/api/" + i));
    }
    assertEquals(List.of("one", "one", "one", "two", "two", "two"), servedBy, "priority 10 first, then 20");
    assertEquals(List.of(), f.events(FailoverEvent.Failover.class), "a move within tier 0 is not a failover");
  }
}

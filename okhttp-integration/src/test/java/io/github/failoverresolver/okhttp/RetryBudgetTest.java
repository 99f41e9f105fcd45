package io.github.failoverresolver.okhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.failoverresolver.FailoverEvent;
import io.github.failoverresolver.ResolverFixture;
import io.github.failoverresolver.testing.LoopbackHttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The retry budget through the real OkHttp client against two real loopback servers whose API fails every
 * request: 100 requests a second for 10 s (virtual time: the budget reads the resolver's clock), and retries
 * stay within 20 % of the requests plus 3 per second, where without a budget every request was retried once.
 */
class RetryBudgetTest {
  final ResolverFixture f = new ResolverFixture();
  OkHttpClient client;

  @AfterEach
  void close() throws Exception {
    OkHttpTests.release(client);
    f.close();
  }

  @Test
  void aBackendFailingEveryRequestGetsRetriesOnlyWithinTheBudget() throws Exception {
    LoopbackHttpServer primary = f.closeLater(LoopbackHttpServer.http("primary")).status("/api", 503);
    LoopbackHttpServer backup = f.closeLater(LoopbackHttpServer.start("backup", InetAddress.getByName("127.0.0.2"),
        primary.port(), null)).status("/api", 503);
    f.start(r -> r.service("payments", s -> s
        .tier(0, "127.0.0.1:" + primary.port())
        .tier(1, "127.0.0.2:" + backup.port())
        .ejectAfterFailures(1_000_000) // both stay eligible: the budget alone limits the retries
        .set(io.github.failoverresolver.Setting.FAILURE_PERCENTAGE_MIN_REQUESTS, 1_000_000)));
    client = FailoverOkHttp.install(new OkHttpClient.Builder(), f.resolver).build();
    int requests = 0;
    int denied = 0;
    for (int i = 0; i < 1_000; i++) { // 100 a second for 10 s
      try (Response r = client.newCall(new Request.Builder().url("http://payments/api").build()).execute()) {
        assertEquals(503, r.code());
        if (r.header(FailoverInterceptor.RETRY_DENIED_HEADER) != null) {
          denied++;
        }
      }
      requests++;
      f.advance(Duration.ofMillis(10));
    }
    long sent = primary.traffic().size() + backup.traffic().size();
    long retries = sent - requests;
    long budget = (long) (0.2 * requests) + 3 * 10;
    System.out.println("retry budget: " + requests + " requests, " + retries + " retries sent (budget " + budget
        + "), " + denied + " denied; without a budget: " + requests + " retries");
    assertTrue(retries <= budget, retries + " retries > budget " + budget);
    assertTrue(retries >= budget - 25, "the budget is used, not starved: " + retries); // its floor and share
    assertEquals(requests - retries, denied);
    assertEquals(retries, f.resolver.retryBudget("payments").retries());
    assertEquals(denied, f.resolver.retryBudget("payments").denied());
    assertTrue(!f.events(FailoverEvent.RetryBudgetExhausted.class).isEmpty());
    assertTrue(f.events(FailoverEvent.RetryBudgetExhausted.class).size() <= 2, "once per window: "
        + f.events(FailoverEvent.RetryBudgetExhausted.class).size());
  }

  @Test
  void aConnectFailureDeniedARetrySaysSo() throws Exception {
    LoopbackHttpServer backup = f.closeLater(LoopbackHttpServer.http("backup"));
    f.start(r -> r.service("payments", s -> s
        .tier(0, "127.0.0.3:" + backup.port()) // nothing listens there: refused
        .tier(1, "127.0.0.1:" + backup.port())
        .ejectAfterConnectFailures(1_000_000)
        .retryBudget(0.0, 0, Duration.ofSeconds(10))));
    client = FailoverOkHttp.install(new OkHttpClient.Builder(), f.resolver).build();
    IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
        () -> client.newCall(new Request.Builder().url("http://payments/api").build()).execute().close());
    assertTrue(e.getMessage().startsWith("not retried: the retry budget of service 'payments' is used up"),
        e.getMessage());
  }
}

package io.github.failoverresolver.okhttp;

import static io.github.failoverresolver.okhttp.OkHttpTests.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.failoverresolver.CredentialSources;
import io.github.failoverresolver.FailoverEvent;
import io.github.failoverresolver.HealthChecks;
import io.github.failoverresolver.ResolverFixture;
import io.github.failoverresolver.TlsTrust;
import io.github.failoverresolver.testing.LoopbackHttpServer;
import io.github.failoverresolver.testing.TestCertificates;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The real OkHttp client against real loopback HTTPS servers, through the failover integration. */
class OkHttpFailoverTest {
  final ResolverFixture f = new ResolverFixture(Instant.now());
  final TestCertificates.Authority ca = TestCertificates.authority("test-ca");
  OkHttpClient client;

  @AfterEach
  void close() throws Exception {
    OkHttpTests.release(client);
    f.close();
  }

  OkHttpClient client(boolean tls) {
    OkHttpClient.Builder b = new OkHttpClient.Builder()
        .connectTimeout(Duration.ofSeconds(2))
        .readTimeout(Duration.ofSeconds(5));
    if (tls) {
      b.sslSocketFactory(ca.clientContext().getSocketFactory(), ca.trustManager());
    }
    client = FailoverOkHttp.install(b, f.resolver).build();
    return client;
  }


  @Nested
  class PrimaryAndBackup {
    LoopbackHttpServer primary;
    LoopbackHttpServer backup;

    void start() {
      primary = f.closeLater(LoopbackHttpServer.https("primary", ca.issue("primary.test", Duration.ofDays(30))));
      backup = f.closeLater(LoopbackHttpServer.https("backup", ca.issue("backup.test", Duration.ofDays(30))));
      f.dns.a("primary.test", 300, "127.0.0.1").a("backup.test", 300, "127.0.0.1");
      Map<String, String> env = Map.of("PRIMARY_TOKEN", "primary-secret", "BACKUP_TOKEN", "backup-secret");
      TlsTrust trust = TlsTrust.trusting(ca.trustStore());
      f.start(r -> r.service("payments", s -> s
          .tier(0, "primary.test:" + primary.port(), e -> e
              .check(HealthChecks.https("/ready").sslContext(ca.clientContext()))
              .passiveFirst(false)
              .tls(trust).credential(CredentialSources.env("PRIMARY_TOKEN", env)))
          .tier(1, "backup.test:" + backup.port(), e -> e
              .check(HealthChecks.https("/ready").sslContext(ca.clientContext()))
              .passiveFirst(false)
              .tls(trust).credential(CredentialSources.env("BACKUP_TOKEN", env)))));
      client(true);
    }

    @Test
    void primaryStoppedMidRunEveryGetSucceedsOnTheBackup() throws Exception {
      start();
      List<String> servedBy = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        if (i == 5) {
          primary.stop();
        }
        servedBy.add(get(client, "https://payments/api/orders/" + i));
      }
      assertEquals(List.of("primary", "primary", "primary", "primary", "primary",
          "backup", "backup", "backup", "backup", "backup"), servedBy);
      assertEquals(1, f.events(FailoverEvent.AddressEjected.class).size());
      FailoverEvent.Failover failover = f.events(FailoverEvent.Failover.class).get(0);
      assertEquals(1, failover.toTier());
      assertEquals(Instant.now().isAfter(f.time.now()), true, "no virtual time passed: no TTL, no check interval");
    }

    /**
     * The primary goes silent (connects hang: a blackhole, not a refusal): the first request's connect gets
     * the hedge delay, then moves to the backup; the slow connect ejects the primary, so the requests after
     * it go straight to the backup. No request fails and none waits for OkHttp's 10 s connect timeout.
     */
    @Test
    void blackholedPrimaryCostsOneHedgeDelayNotAConnectTimeoutPerRequest() throws Exception {
      start();
      assertEquals("primary", get(client, "https://payments/api"));
      primary.stop();
      try (io.github.failoverresolver.testing.LoopbackBlackhole silent =
          io.github.failoverresolver.testing.LoopbackBlackhole.on(java.net.InetAddress.getByName("127.0.0.1"),
              primary.port())) {
        List<String> servedBy = new ArrayList<>();
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          long t0 = System.nanoTime();
          servedBy.add(get(client, "https://payments/api"));
          millis.add((System.nanoTime() - t0) / 1_000_000);
        }
        assertEquals(List.of("backup"), servedBy.stream().distinct().toList());
        FailoverEvent.AddressEjected ejected = f.events(FailoverEvent.AddressEjected.class).get(0);
        assertTrue(ejected.reason().toLowerCase(java.util.Locale.ROOT).contains("timed out"), ejected.toString());
        assertTrue(millis.get(0) < 5_000, "the first request did not wait for the 10 s connect timeout: " + millis);
        System.out.println("blackholed primary, request times (ms): " + millis);
      }
    }

    @Test
    void primaryWhoseReadinessTurns503IsLeftWithoutAFailedCall() throws Exception {
      start();
      assertEquals("primary", get(client, "https://payments/api"));
      primary.readiness(503);
      f.advanceSeconds(6); // one check interval
      for (int i = 0; i < 5; i++) {
        assertEquals("backup", get(client, "https://payments/api"));
      }
      assertEquals(1, f.events(FailoverEvent.Failover.class).size());
    }

    /**
     * The API answers 503 while readiness says 200 (envoy #28303's case): the primary is ejected by the
     * clients' evidence, its readiness passing does not end that ejection early, and failback waits a whole
     * window after the last client failure (probation): at most one failback attempt in 130 s, and no
     * request fails (each 503 is retried once on the backup).
     */
    @Test
    void apiFailingWhileReadinessPassesFailsBackAtMostOnceIn130Seconds() throws Exception {
      start();
      assertEquals("primary", get(client, "https://payments/api"));
      primary.status("/api", 503);
      int failed = 0;
      for (int second = 0; second < 130; second++) {
        try (Response r = client.newCall(new Request.Builder().url("https://payments/api").build()).execute()) {
          if (r.code() != 200) {
            failed++;
          }
        }
        f.advanceSeconds(1);
      }
      assertEquals(0, failed, "idempotent requests that failed");
      List<FailoverEvent.Failback> failbacks = f.events(FailoverEvent.Failback.class);
      assertTrue(failbacks.size() <= 1, "failbacks in 130 s: " + failbacks);
      assertTrue(f.events(FailoverEvent.Failover.class).size() <= 2, f.events(FailoverEvent.Failover.class).toString());
      System.out.println("API 503 with readiness passing, 130 s: " + f.events(FailoverEvent.Failover.class).size()
          + " failovers, " + failbacks.size() + " failbacks, 0 failed requests");
    }

    @Test
    void requestsCarryTheChosenEndpointsOwnCredentialNeverAnother() throws Exception {
      start();
      get(client, "https://payments/api");
      primary.readiness(503);
      f.advanceSeconds(6);
      try (Response r = client.newCall(new Request.Builder().url("https://payments/api")
          .header("Authorization", "Bearer primary-secret") // a caller's stale header is replaced
          .build()).execute()) {
        assertEquals("backup", r.header("X-Served-By"));
      }
      assertEquals("Bearer primary-secret", primary.traffic().get(0).header("Authorization"));
      assertFalse(backup.traffic().isEmpty());
      for (LoopbackHttpServer.Request r : backup.traffic()) {
        assertEquals("Bearer backup-secret", r.header("Authorization"));
      }
      assertEquals("backup.test:" + backup.port(), backup.traffic().get(0).header("Host"));
    }

    @Test
    void postIsNotRetriedByDefault() throws Exception {
      start();
      get(client, "https://payments/api");
      primary.stop();
      RequestBody body = RequestBody.create("{\"amount\":1}", MediaType.get("application/json"));
      assertThrows(IOException.class,
          () -> client.newCall(new Request.Builder().url("https://payments/api/pay").post(body).build()).execute());
      assertTrue(backup.traffic().isEmpty(), "the POST was not sent again to the backup");
      try (Response r = client.newCall(new Request.Builder().url("https://payments/api/pay").post(body).build())
          .execute()) {
        assertEquals("backup", r.header("X-Served-By"), "the next POST goes to the backup: the primary was ejected");
      }
    }
  }

  @Nested
  class SameName {
    LoopbackHttpServer first;
    LoopbackHttpServer second;

    void start() throws Exception {
      first = f.closeLater(LoopbackHttpServer.http("first"));
      second = f.closeLater(LoopbackHttpServer.start("second", InetAddress.getByName("127.0.0.2"), first.port(), null));
      f.dns.a("payments.test", 300, "127.0.0.1", "127.0.0.2");
      f.start(r -> r.service("payments", s -> s
          .tier(0, "payments.test:" + first.port(), e -> e.check(HealthChecks.http("/ready"))
          .passiveFirst(false)))); // readiness is probed every interval although traffic succeeds
      client(false);
    }

    @Test
    void deadAddressIsLeftAtOnceWithoutATtlPassing() throws Exception {
      start();
      assertEquals("first", get(client, "http://payments/api"));
      first.stop();
      for (int i = 0; i < 5; i++) {
        assertEquals("second", get(client, "http://payments/api"));
      }
      assertEquals(1, f.events(FailoverEvent.AddressEjected.class).size());
    }

    @Test
    void noPooledConnectionToAnAddressThatLeftIsReused() throws Exception {
      start();
      for (int i = 0; i < 3; i++) {
        assertEquals("first", get(client, "http://payments/api"));
      }
      assertTrue(client.connectionPool().connectionCount() >= 1, "a keep-alive connection to 127.0.0.1 is pooled");
      first.readiness(503); // still serving traffic, still accepting: only its checks say it is out
      f.advanceSeconds(6);
      for (int i = 0; i < 5; i++) {
        assertEquals("second", get(client, "http://payments/api"));
      }
      assertEquals(3, first.traffic().size(), "no request after the change went over the old pooled connection");
    }

    @Test
    void connectionBusyDuringTheChangeIsNotReusedAfterIt() throws Exception {
      start();
      assertEquals("first", get(client, "http://payments/api"));
      java.util.concurrent.CountDownLatch slow = new java.util.concurrent.CountDownLatch(1);
      first.hold("/slow", slow);
      java.util.concurrent.CompletableFuture<String> inFlight = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try {
          return get(client, "http://payments/slow");
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (first.traffic().size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(2); // the slow call has reached the server and holds its connection
      }
      first.readiness(503);
      f.advanceSeconds(6); // routing changes while the connection is busy
      assertEquals("second", get(client, "http://payments/api"));
      slow.countDown();
      assertEquals("first", inFlight.get(10, java.util.concurrent.TimeUnit.SECONDS));
      for (int i = 0; i < 3; i++) {
        assertEquals("second", get(client, "http://payments/api"));
      }
      assertEquals(2, first.traffic().size(), "the connection released after the change was not reused");
    }
  }
}

package io.github.failoverresolver.okhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.failoverresolver.Credential;
import io.github.failoverresolver.CredentialSource;
import io.github.failoverresolver.FailoverEvent;
import io.github.failoverresolver.FailoverResolver;
import io.github.failoverresolver.HealthChecks;
import io.github.failoverresolver.SessionLogin;
import io.github.failoverresolver.testing.LoopbackHttpServer;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Re-authentication after a cutover, through the real OkHttp client against two real loopback servers, each
 * with its own "login" endpoint: the backup's first requests carry a session the backup issued (asserted at
 * the server), 50 concurrent requests cause one login, and never does the primary's session reach it.
 */
class CutoverReauthTest {
  final List<FailoverEvent> events = new CopyOnWriteArrayList<>();
  final AtomicInteger issued = new AtomicInteger();
  LoopbackHttpServer primary;
  LoopbackHttpServer backup;
  FailoverResolver resolver;
  OkHttpClient client;

  /** Logs in to the endpoint itself (a real GET of its /login) and returns the session it stands for. */
  final SessionLogin login = endpoint -> {
    URL url = new URL("http://" + endpoint.address().getAddress().getHostAddress() + ":" + endpoint.address().getPort()
        + "/login");
    HttpURLConnection c = (HttpURLConnection) url.openConnection(java.net.Proxy.NO_PROXY);
    c.setConnectTimeout(2_000);
    c.setReadTimeout(2_000);
    try {
      if (c.getResponseCode() != 200) {
        return CredentialSource.Result.missing("login answered " + c.getResponseCode());
      }
    } finally {
      c.disconnect();
    }
    return CredentialSource.Result.present(Credential.of("session",
        "session-" + endpoint.address().getAddress().getHostAddress() + "-" + issued.incrementAndGet()));
  };

  @AfterEach
  void close() {
    OkHttpTests.release(client);
    if (resolver != null) {
      resolver.close();
    }
    primary.close();
    backup.close();
  }

  static List<String> authorizations(LoopbackHttpServer server, String path) {
    return server.requests().stream().filter(r -> r.path().equals(path)).map(r -> String.valueOf(r.header("Authorization")))
        .toList();
  }

  String get() throws Exception {
    try (Response r = client.newCall(new Request.Builder().url("http://payments/api").build()).execute()) {
      assertEquals(200, r.code());
      return r.header("X-Served-By");
    }
  }

  @Test
  void afterACutoverTheBackupGetsItsOwnFreshSessionWithOneLoginForFiftyConcurrentRequests() throws Exception {
    primary = LoopbackHttpServer.http("primary");
    backup = LoopbackHttpServer.start("backup", InetAddress.getByName("127.0.0.2"), primary.port(), null);
    resolver = FailoverResolver.builder()
        .service("payments", s -> s
            .tier(0, "127.0.0.1:" + primary.port(), e -> e.check(HealthChecks.http("/ready"))
                .interval(Duration.ofMillis(300)).passiveFirst(false).sessionLogin(login))
            .tier(1, "127.0.0.2:" + backup.port(), e -> e.check(HealthChecks.http("/ready"))
                .interval(Duration.ofMillis(300)).sessionLogin(login)))
        .listener(events::add)
        .build();
    client = FailoverOkHttp.install(new OkHttpClient.Builder(), resolver).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        resolver.select("payments");
        break;
      } catch (RuntimeException notYet) {
        assertTrue(System.nanoTime() < deadline, "no target in 10 s");
        Thread.sleep(20);
      }
    }
    assertEquals("primary", get());
    assertEquals("primary", get());
    assertEquals(List.of("Bearer session-127.0.0.1-1", "Bearer session-127.0.0.1-1"), authorizations(primary, "/api"));
    assertEquals(1, authorizations(primary, "/login").size());

    primary.readiness(503);
    while (!resolver.targets("payments").get(0).endpoint().startsWith("127.0.0.2")) {
      assertTrue(System.nanoTime() < deadline, "no failover in time");
      Thread.sleep(20);
    }
    ExecutorService pool = Executors.newFixedThreadPool(50);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<String>> served = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      served.add(pool.submit(() -> {
        go.await();
        return get();
      }));
    }
    go.countDown();
    for (Future<String> f : served) {
      assertEquals("backup", f.get(20, TimeUnit.SECONDS));
    }
    pool.shutdownNow();
    assertEquals(1, authorizations(backup, "/login").size(), "one login for 50 concurrent requests");
    List<String> sent = authorizations(backup, "/api");
    assertEquals(50, sent.size());
    assertEquals(List.of("Bearer session-127.0.0.2-2"), sent.stream().distinct().toList(),
        "every request to the backup carries the session the backup issued, never the primary's");
    List<FailoverEvent.CutoverReauthenticated> reauth = events.stream()
        .filter(FailoverEvent.CutoverReauthenticated.class::isInstance).map(FailoverEvent.CutoverReauthenticated.class::cast)
        .toList();
    assertEquals(1, reauth.size(), events.toString());
    assertEquals("127.0.0.1:" + primary.port(), reauth.get(0).fromEndpoint());
    assertEquals("127.0.0.2:" + backup.port(), reauth.get(0).toEndpoint());
  }
}

package io.github.failoverresolver.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.failoverresolver.FailoverResolver;
import io.github.failoverresolver.testing.LoopbackDnsServer;
import io.github.failoverresolver.testing.LoopbackHttpServer;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real Spring Boot application (Tomcat on a random loopback port, Actuator, Micrometer with Prometheus)
 * with the starter, two real loopback HTTP servers and a loopback DNS server; everything seen through real
 * HTTP calls to the application's Actuator endpoints and through the starter's OkHttp customizer.
 */
class FailoverStarterWebTest {
  static final Duration WAIT = Duration.ofSeconds(30);
  final ObjectMapper json = new ObjectMapper();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  LoopbackDnsServer dns;
  LoopbackHttpServer primary;
  LoopbackHttpServer backup;
  final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {}

  @BeforeEach
  void servers() throws Exception {
    dns = LoopbackDnsServer.start();
    primary = LoopbackHttpServer.http("primary");
    backup = LoopbackHttpServer.start("backup", InetAddress.getByName("127.0.0.2"), primary.port(), null);
    dns.zone("test", 3600, 30).a("primary.test", 300, "127.0.0.1").a("backup.test", 300, "127.0.0.2");
  }

  @AfterEach
  void close() {
    contexts.forEach(ConfigurableApplicationContext::close);
    primary.close();
    backup.close();
    dns.close();
  }

  ConfigurableApplicationContext start(String... more) {
    List<String> props = new ArrayList<>(List.of(
        "server.port=0", "server.address=127.0.0.1",
        "management.endpoints.web.exposure.include=health,failover,prometheus",
        "management.endpoint.health.show-details=always",
        "failover.dns.providers.local.servers=" + dns.hostAndPort(),
        "failover.services.payments.failback-stability=2s",
        "failover.services.payments.endpoints[0].address=primary.test:" + primary.port(),
        "failover.services.payments.endpoints[0].tier=0",
        "failover.services.payments.endpoints[0].check=http /ready",
        "failover.services.payments.endpoints[0].interval=500ms",
        "failover.services.payments.endpoints[0].timeout=400ms",
        "failover.services.payments.endpoints[0].passive-first=false",
        "failover.services.payments.endpoints[1].address=backup.test:" + backup.port(),
        "failover.services.payments.endpoints[1].tier=1",
        "failover.services.payments.endpoints[1].check=http /ready",
        "failover.services.payments.endpoints[1].interval=500ms",
        "failover.services.payments.endpoints[1].timeout=400ms"));
    props.addAll(List.of(more));
    ConfigurableApplicationContext ctx = new SpringApplicationBuilder(App.class)
        .properties(props.toArray(String[]::new)).run();
    contexts.add(ctx);
    return ctx;
  }

  static int port(ConfigurableApplicationContext ctx) {
    return ((WebServerApplicationContext) ctx).getWebServer().getPort();
  }

  HttpResponse<String> get(ConfigurableApplicationContext ctx, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(ctx) + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(ConfigurableApplicationContext ctx, String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(ctx) + path))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Polls {@code path} (bounded by {@link #WAIT}) until its JSON satisfies {@code until}; returns it. */
  JsonNode await(ConfigurableApplicationContext ctx, String path, Predicate<JsonNode> until) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      last = json.readTree(get(ctx, path).body());
      if (until.test(last)) {
        return last;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(path + " never matched within " + WAIT + "; last: " + last);
  }

  String awaitText(ConfigurableApplicationContext ctx, String path, Predicate<String> until) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    String last = null;
    while (System.nanoTime() < deadline) {
      last = get(ctx, path).body();
      if (until.test(last)) {
        return last;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(path + " never matched within " + WAIT + "; last: " + last);
  }

  static String target(JsonNode health) {
    return health.path("components").path("failover").path("details").path("services").path("payments")
        .path("target").asText();
  }

  @Test
  void aRealFailoverIsSeenThroughHealthTheEndpointMetricsAndOkHttp() throws Exception {
    ConfigurableApplicationContext ctx = start();
    JsonNode health = await(ctx, "/actuator/health", h -> target(h).startsWith("primary.test"));
    assertEquals("UP", health.path("status").asText(), health.toString());

    JsonNode report = json.readTree(get(ctx, "/actuator/failover").body());
    assertEquals("payments", report.path("services").get(0).path("name").asText(), report.toString());

    OkHttpClient client = ctx.getBean(FailoverOkHttpCustomizer.class).customize(new OkHttpClient.Builder()).build();
    try (Response r = client.newCall(new Request.Builder().url("http://payments/api").build()).execute()) {
      assertEquals("primary", r.header("X-Served-By"));
    }

    primary.readiness(503);
    health = await(ctx, "/actuator/health", h -> target(h).startsWith("backup.test"));
    assertEquals("UP", health.path("status").asText(), "a service on its backup still works: " + health);
    try (Response r = client.newCall(new Request.Builder().url("http://payments/api").build()).execute()) {
      assertEquals("backup", r.header("X-Served-By"));
    }
    JsonNode service = json.readTree(get(ctx, "/actuator/failover/payments").body());
    assertTrue(service.path("target").path("endpoint").asText().startsWith("backup.test"), service.toString());

    // gauges read a snapshot at most a second old: poll (bounded) until the scrape shows the move
    String metrics = awaitText(ctx, "/actuator/prometheus",
        m -> m.contains("failover_service_active_tier{service=\"payments\"} 1.0"));
    assertTrue(metrics.contains("failover_failovers_total{service=\"payments\"} 1.0"), metrics);

    backup.readiness(503);
    health = await(ctx, "/actuator/health", h -> h.path("status").asText().equals("DOWN"));
    assertEquals("none", target(health), health.toString());
    assertEquals(503, get(ctx, "/actuator/health").statusCode());

    primary.readiness(200);
    backup.readiness(200);
    await(ctx, "/actuator/health", h -> target(h).startsWith("primary.test"));
    ctx.getBean(FailoverResolver.class); // still there until the context closes
  }

  @Test
  void writeOperationsAreReadOnlyUnlessAllowedLikeActuatorsOthers() throws Exception {
    ConfigurableApplicationContext ctx = start();
    await(ctx, "/actuator/health", h -> target(h).startsWith("primary.test"));
    HttpResponse<String> refused = post(ctx, "/actuator/failover/payments", "{\"action\":\"pin\",\"tier\":1}");
    assertNotEquals(200, refused.statusCode(), refused.body());
    assertTrue(refused.statusCode() >= 400 && refused.statusCode() < 500, refused.statusCode() + " " + refused.body());
    assertTrue(target(json.readTree(get(ctx, "/actuator/health").body())).startsWith("primary.test"));
  }

  @Test
  void withAccessUnrestrictedPinDrainAndDrillWork() throws Exception {
    ConfigurableApplicationContext ctx = start("management.endpoint.failover.access=unrestricted");
    await(ctx, "/actuator/health", h -> target(h).startsWith("primary.test"));

    HttpResponse<String> pinned = post(ctx, "/actuator/failover/payments", "{\"action\":\"pin\",\"tier\":1}");
    assertEquals(200, pinned.statusCode(), pinned.body());
    assertTrue(json.readTree(pinned.body()).path("target").asText().startsWith("backup.test"), pinned.body());
    assertEquals(200, post(ctx, "/actuator/failover/payments", "{\"action\":\"unpin\"}").statusCode());

    HttpResponse<String> drained = post(ctx, "/actuator/failover/payments",
        "{\"action\":\"drain\",\"endpoint\":\"primary.test:" + primary.port() + "\"}");
    assertEquals(200, drained.statusCode(), drained.body());
    assertTrue(json.readTree(drained.body()).path("target").asText().startsWith("backup.test"), drained.body());
    post(ctx, "/actuator/failover/payments", "{\"action\":\"undrain\",\"endpoint\":\"primary.test:" + primary.port()
        + "\"}");
    await(ctx, "/actuator/health", h -> target(h).startsWith("primary.test")); // after the failback window

    HttpResponse<String> drill = post(ctx, "/actuator/failover/payments", "{\"action\":\"drill\",\"duration\":\"1s\"}");
    assertEquals(200, drill.statusCode(), drill.body());
    JsonNode after = await(ctx, "/actuator/failover/payments",
        s -> s.path("liveDrill").asText().startsWith("live drill of 'payments'"));
    assertTrue(after.path("liveDrill").asText().contains("switched in"), after.toString());

    HttpResponse<String> bad = post(ctx, "/actuator/failover/payments", "{\"action\":\"explode\"}");
    assertEquals(400, bad.statusCode(), bad.body());
    HttpResponse<String> unknown = post(ctx, "/actuator/failover/billing", "{\"action\":\"unpin\"}");
    assertEquals(400, unknown.statusCode(), unknown.body());
  }

  @Test
  void theResolverIsClosedWithTheContext() throws Exception {
    ConfigurableApplicationContext ctx = start();
    await(ctx, "/actuator/health", h -> target(h).startsWith("primary.test"));
    ctx.close();
    long left = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("failover-resolver-") && t.isAlive()).count();
    assertEquals(0, left, "resolver threads after close");
  }
}

package io.github.failoverresolver.samples;

import io.github.failoverresolver.FailoverEvent;
import io.github.failoverresolver.FailoverResolver;
import io.github.failoverresolver.spring.FailoverOkHttpCustomizer;
import io.github.failoverresolver.testing.LoopbackDnsServer;
import io.github.failoverresolver.testing.LoopbackHttpServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The Spring Boot sample: a web application whose only failover code is its {@code failover.*} properties
 * (what would be its {@code application.yml}) and the starter. Everything on loopback: a DNS server, a
 * primary and a backup HTTP service. It calls the logical service {@code payments} through the starter's
 * OkHttp customizer, the primary's readiness fails, and the failover shows in the logs, in
 * {@code /actuator/health}, {@code /actuator/failover/payments} and {@code /actuator/prometheus}, fetched over
 * real HTTP from the running application. Exits 0 by itself in about 10 s.
 */
public final class SpringDemo {
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class PaymentsClientApplication {}

  private SpringDemo() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(System.out) == 0 ? 0 : 1);
  }

  /** Runs the sample; returns the number of failed calls. */
  static int run(PrintStream out) throws Exception {
    LoopbackHttpServer primary = LoopbackHttpServer.http("primary");
    LoopbackHttpServer backup = LoopbackHttpServer.start("backup", InetAddress.getByName("127.0.0.2"),
        primary.port(), null);
    try (LoopbackDnsServer dns = LoopbackDnsServer.start()) {
      dns.zone("demo", 3600, 30).a("primary.payments.demo", 300, "127.0.0.1").a("backup.payments.demo", 300,
          "127.0.0.2");
      String[] properties = {
          "server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
          "management.endpoints.web.exposure.include=health,failover,prometheus",
          "management.endpoint.health.show-details=always",
          "failover.dns.providers.loopback.servers=" + dns.hostAndPort(),
          "failover.services.payments.failback-stability=5s",
          "failover.services.payments.endpoints[0].address=primary.payments.demo:" + primary.port(),
          "failover.services.payments.endpoints[0].tier=0",
          "failover.services.payments.endpoints[0].check=http /ready",
          "failover.services.payments.endpoints[0].interval=1s",
          "failover.services.payments.endpoints[1].address=backup.payments.demo:" + backup.port(),
          "failover.services.payments.endpoints[1].tier=1",
          "failover.services.payments.endpoints[1].check=http /ready",
          "failover.services.payments.endpoints[1].interval=1s"};
      out.println("sample: application properties (an application.yml would say the same):");
      Arrays.stream(properties).filter(p -> p.startsWith("failover.")).forEach(p -> out.println("  " + p));
      ConfigurableApplicationContext ctx = new SpringApplicationBuilder(PaymentsClientApplication.class)
          .properties(properties).run();
      try {
        FailoverResolver resolver = ctx.getBean(FailoverResolver.class);
        resolver.listen(e -> {
          if (e instanceof FailoverEvent.Failover || e instanceof FailoverEvent.Failback) {
            out.println("sample: EVENT " + e);
          }
        });
        int port = ((WebServerApplicationContext) ctx).getWebServer().getPort();
        OkHttpClient client = ctx.getBean(FailoverOkHttpCustomizer.class)
            .customize(new OkHttpClient.Builder().connectTimeout(Duration.ofSeconds(1))).build();
        awaitTarget(resolver);
        int failed = call(client, Duration.ofSeconds(2), out);
        out.println("sample: >>> primary's /ready now answers 503");
        primary.readiness(503);
        primary.status("/v1/balance", 503);
        failed += call(client, Duration.ofSeconds(3), out);
        show(out, port, "/actuator/health", null);
        show(out, port, "/actuator/failover/payments", null);
        show(out, port, "/actuator/prometheus", "failover_");
        out.println("sample: " + failed + " failed calls");
        return failed;
      } finally {
        ctx.close();
        primary.close();
        backup.close();
      }
    }
  }

  private static void awaitTarget(FailoverResolver resolver) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        resolver.select("payments");
        return;
      } catch (RuntimeException notYet) {
        Thread.sleep(50);
      }
    }
  }

  /** Calls https://payments/v1/balance ten times a second for {@code d}; prints each change of server. */
  private static int call(OkHttpClient client, Duration d, PrintStream out) throws InterruptedException {
    long end = System.nanoTime() + d.toNanos();
    int failed = 0;
    String last = "";
    while (System.nanoTime() < end) {
      try (Response r = client.newCall(new Request.Builder().url("http://payments/v1/balance").build()).execute()) {
        String by = r.code() + " from " + r.header("X-Served-By");
        if (r.code() != 200) {
          failed++;
        }
        if (!by.equals(last)) {
          out.println("sample: GET http://payments/v1/balance -> " + by);
          last = by;
        }
      } catch (IOException e) {
        failed++;
        out.println("sample: call FAILED: " + e);
      }
      Thread.sleep(100);
    }
    return failed;
  }

  private static void show(PrintStream out, int port, String path, String onlyPrefix) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
    String body = onlyPrefix == null ? r.body() : r.body().lines()
        .filter(l -> l.startsWith(onlyPrefix) && !l.contains("address") && !l.contains("dns_queries"))
        .collect(Collectors.joining("\n"));
    out.println("sample: GET " + path + " -> " + r.statusCode() + "\n" + body);
  }
}

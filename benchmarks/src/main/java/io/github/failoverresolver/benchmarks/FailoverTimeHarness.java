package io.github.failoverresolver.benchmarks;

import io.github.failoverresolver.DnsCache;
import io.github.failoverresolver.DnsSettings;
import io.github.failoverresolver.FailoverResolver;
import io.github.failoverresolver.HealthChecks;
import io.github.failoverresolver.Upstreams;
import io.github.failoverresolver.okhttp.FailoverOkHttp;
import io.github.failoverresolver.testing.LoopbackBlackhole;
import io.github.failoverresolver.testing.LoopbackDnsServer;
import io.github.failoverresolver.testing.LoopbackHttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Failover through OkHttp, measured against what a user would do instead, in the same run, for four faults
 * of the primary, from 8 client threads each sending a GET every 20 ms (loopback only, bounded in time):
 * <ul>
 *   <li>{@code library}: {@code https://payments/...} through {@link FailoverOkHttp} (http readiness checks
 *       every 5 s, default settings);</li>
 *   <li>{@code multi}: one DNS name answering both addresses (primary first), OkHttp's own route fallback
 *       (fast fallback on, as OkHttp ships);</li>
 *   <li>{@code ttl}: one DNS record, cached for its 30 s TTL as the JVM and OS do; the operator switches the
 *       record to the backup the moment the fault starts (DNS failover's best case).</li>
 * </ul>
 * Faults: {@code refused} (the primary stops), {@code blackholed} (connects to it hang), {@code draining}
 * (readiness and API answer 503, as a server leaving does), {@code api503} (the API answers 503 while
 * readiness says 200). Prints one line per client and fault:
 * {@code client=okhttp mode=.. fault=.. requests=.. failed=.. first_backup_ms=.. p50_ms=.. p99_ms=.. max_ms=..
 * over_1s=..}, every figure from the fault on. {@code --faults a,b} and {@code --modes a,b} choose;
 * {@code --warmup false} skips the unmeasured warm-up run (a cold JVM's first failure is slower).
 */
public final class FailoverTimeHarness {
  static final int THREADS = 8;
  static final Duration PERIOD = Duration.ofMillis(20);
  static final Duration BEFORE_FAULT = Duration.ofSeconds(2);
  static final Duration AFTER_FAULT = Duration.ofSeconds(8);
  static final int TTL_SECONDS = 30;

  private FailoverTimeHarness() {}

  public static void main(String[] args) throws Exception {
    List<String> faults = List.of("refused", "blackholed", "draining", "api503");
    List<String> modes = List.of("library", "multi", "ttl");
    boolean warmup = true;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--faults" -> faults = List.of(args[i + 1].split(","));
        case "--modes" -> modes = List.of(args[i + 1].split(","));
        case "--warmup" -> warmup = Boolean.parseBoolean(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (warmup) {
      // one unmeasured run of each mode first: the first failure in a fresh JVM loads and compiles the
      // failure path (about 35 ms for the library's first report); every line below is of a warm JVM
      for (String mode : modes) {
        if (!mode.equals("ttl")) {
          run(mode, "refused");
        }
      }
    }
    for (String fault : faults) {
      for (String mode : modes) {
        LoadRun.Result r = run(mode, fault);
        System.out.println("client=okhttp mode=" + mode + " fault=" + fault + " " + r);
      }
    }
  }

  static LoadRun.Result run(String mode, String fault) throws Exception {
    LoopbackHttpServer primary = LoopbackHttpServer.http("primary");
    int port = primary.port();
    LoopbackHttpServer backup = LoopbackHttpServer.start("backup", InetAddress.getByName("127.0.0.2"), port, null);
    LoopbackBlackhole[] silent = {null};
    FailoverResolver resolver = null;
    DnsCache plainDns = null;
    try (LoopbackDnsServer dns = LoopbackDnsServer.start()) {
      dns.a("primary.test", TTL_SECONDS, "127.0.0.1").a("backup.test", TTL_SECONDS, "127.0.0.2");
      OkHttpClient.Builder builder = new OkHttpClient.Builder()
          .connectTimeout(Duration.ofSeconds(10)).readTimeout(Duration.ofSeconds(10)) // OkHttp's defaults
          .connectionPool(new okhttp3.ConnectionPool());
      String url;
      switch (mode) {
        case "library" -> {
          resolver = FailoverResolver.builder()
              .dns(DnsSettings.builder().provider("loopback", Upstreams.of(dns.hostAndPort())).build())
              .service("payments", s -> s
                  .tier(0, "primary.test:" + port, e -> e.check(HealthChecks.http("/ready")))
                  .tier(1, "backup.test:" + port, e -> e.check(HealthChecks.http("/ready"))))
              .build();
          LoadRun.awaitReady(resolver, "payments");
          FailoverOkHttp.install(builder, resolver);
          url = "http://payments/api";
        }
        case "multi", "ttl" -> {
          if (mode.equals("multi")) {
            dns.a("payments.test", TTL_SECONDS, "127.0.0.1", "127.0.0.2");
          } else {
            dns.a("payments.test", TTL_SECONDS, "127.0.0.1");
          }
          plainDns = DnsCache.create(DnsSettings.builder().provider("loopback", Upstreams.of(dns.hostAndPort()))
              .minTtl(Duration.ZERO).maxTtl(Duration.ZERO).maxStale(Duration.ZERO).build());
          builder.dns(new LoadRun.TtlCachingDns(plainDns, Duration.ofSeconds(TTL_SECONDS)));
          url = "http://payments.test:" + port + "/api";
        }
        default -> throw new IllegalArgumentException("mode: " + mode);
      }
      OkHttpClient client = builder.build();
      String target = url;
      Runnable inject = () -> {
        switch (fault) {
          case "refused" -> primary.stop();
          case "blackholed" -> {
            primary.stop();
            try {
              silent[0] = LoopbackBlackhole.on(InetAddress.getByName("127.0.0.1"), port);
            } catch (java.net.UnknownHostException e) {
              throw new IllegalStateException(e);
            }
          }
          case "draining" -> primary.readiness(503).status("/api", 503);
          case "api503" -> primary.status("/api", 503);
          default -> throw new IllegalArgumentException("fault: " + fault);
        }
        if (mode.equals("ttl")) {
          dns.a("payments.test", TTL_SECONDS, "127.0.0.2"); // the operator's switch, at once
        }
      };
      Duration after = mode.equals("ttl") ? Duration.ofSeconds(TTL_SECONDS + 3) : AFTER_FAULT;
      try {
        return LoadRun.run(THREADS, PERIOD, BEFORE_FAULT, after, inject, () -> {
          try (Response r = client.newCall(new Request.Builder().url(target).build()).execute()) {
            return r.isSuccessful() ? String.valueOf(r.header("X-Served-By")) : null;
          } catch (IOException e) {
            return null;
          }
        });
      } finally {
        client.dispatcher().executorService().shutdownNow();
        client.connectionPool().evictAll();
      }
    } finally {
      if (resolver != null) {
        resolver.close();
      }
      if (plainDns != null) {
        plainDns.close();
      }
      primary.close();
      backup.close();
      if (silent[0] != null) {
        silent[0].close();
      }
    }
  }
}

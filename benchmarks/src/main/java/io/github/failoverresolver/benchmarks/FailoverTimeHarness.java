package io.github.failoverresolver.benchmarks;

import io.github.failoverresolver.DnsAnswer;
import io.github.failoverresolver.DnsCache;
import io.github.failoverresolver.DnsSettings;
import io.github.failoverresolver.FailoverResolver;
import io.github.failoverresolver.HealthChecks;
import io.github.failoverresolver.RecordType;
import io.github.failoverresolver.Upstreams;
import io.github.failoverresolver.okhttp.FailoverOkHttp;
import io.github.failoverresolver.testing.LoopbackDnsServer;
import io.github.failoverresolver.testing.LoopbackHttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import okhttp3.Dns;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Failover time, measured: requests at a fixed rate (every 20 ms) while the primary is killed, once through
 * this library and once through the status quo (OkHttp with a system-style DNS cache honouring the
 * record's 30 s TTL; the operator switches the record to the backup the moment the primary dies, the best
 * case for DNS failover). Loopback only. Prints one line:
 * {@code failover_ms=<n> failed_requests=<n> baseline_failover_ms=<n> baseline_failed_requests=<n>}.
 *
 * <p>failover_ms is from the kill to the first request that succeeds on the backup; failed_requests counts
 * requests that failed after the kill. Takes about 45 s (the baseline waits out its TTL).
 */
public final class FailoverTimeHarness {
  private static final Duration PERIOD = Duration.ofMillis(20);
  private static final Duration BEFORE_KILL = Duration.ofSeconds(2);
  private static final int TTL_SECONDS = 30;

  record Result(long failoverMs, int failed) {}

  public static void main(String[] args) throws Exception {
    Result library = run(false);
    Result baseline = run(true);
    System.out.printf("failover_ms=%d failed_requests=%d baseline_failover_ms=%d baseline_failed_requests=%d%n",
        library.failoverMs(), library.failed(), baseline.failoverMs(), baseline.failed());
  }

  static Result run(boolean baseline) throws Exception {
    LoopbackHttpServer primary = LoopbackHttpServer.http("primary");
    LoopbackHttpServer backup = LoopbackHttpServer.start("backup", InetAddress.getByName("127.0.0.2"), primary.port(),
        null);
    try (LoopbackDnsServer dns = LoopbackDnsServer.start()) {
      dns.a("payments.test", TTL_SECONDS, "127.0.0.1")
          .a("primary.test", TTL_SECONDS, "127.0.0.1")
          .a("backup.test", TTL_SECONDS, "127.0.0.2");
      OkHttpClient.Builder builder = new OkHttpClient.Builder()
          .connectTimeout(Duration.ofSeconds(1)).readTimeout(Duration.ofSeconds(2)).retryOnConnectionFailure(true);
      FailoverResolver resolver = null;
      DnsCache plainDns = null;
      String url;
      if (baseline) {
        plainDns = DnsCache.create(DnsSettings.builder().provider("loopback", Upstreams.of(dns.hostAndPort()))
            .minTtl(Duration.ZERO).maxTtl(Duration.ZERO).maxStale(Duration.ZERO).build());
        builder.dns(new TtlCachingDns(plainDns, Duration.ofSeconds(TTL_SECONDS)));
        url = "http://payments.test:" + primary.port() + "/api";
      } else {
        resolver = FailoverResolver.builder()
            .dns(DnsSettings.builder().provider("loopback", Upstreams.of(dns.hostAndPort())).build())
            .service("payments", s -> s
                .tier(0, "primary.test:" + primary.port(), e -> e.check(HealthChecks.http("/ready")))
                .tier(1, "backup.test:" + primary.port(), e -> e.check(HealthChecks.http("/ready"))))
            .build();
        awaitReady(resolver);
        FailoverOkHttp.install(builder, resolver);
        url = "http://payments/api";
      }
      OkHttpClient client = builder.build();
      try {
        long start = System.nanoTime();
        long killAt = start + BEFORE_KILL.toNanos();
        long end = killAt + (baseline ? Duration.ofSeconds(TTL_SECONDS + 5) : Duration.ofSeconds(5)).toNanos();
        boolean killed = false;
        long failoverNanos = -1;
        int failedAfterKill = 0;
        long next = start;
        while (System.nanoTime() < end) {
          if (!killed && System.nanoTime() >= killAt) {
            primary.stop();
            dns.a("payments.test", TTL_SECONDS, "127.0.0.2"); // the operator's switch, at once
            killed = true;
          }
          boolean ok;
          String servedBy = null;
          try (Response r = client.newCall(new Request.Builder().url(url).build()).execute()) {
            ok = r.isSuccessful();
            servedBy = r.header("X-Served-By");
          } catch (IOException e) {
            ok = false;
          }
          long done = System.nanoTime();
          if (killed) {
            if (!ok) {
              failedAfterKill++;
            } else if (failoverNanos < 0 && "backup".equals(servedBy)) {
              failoverNanos = done - killAt;
            }
          }
          next += PERIOD.toNanos();
          long sleep = next - System.nanoTime();
          if (sleep > 0) {
            Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
          }
        }
        return new Result(failoverNanos < 0 ? -1 : failoverNanos / 1_000_000, failedAfterKill);
      } finally {
        client.dispatcher().executorService().shutdownNow();
        client.connectionPool().evictAll();
        if (resolver != null) {
          resolver.close();
        }
        if (plainDns != null) {
          plainDns.close();
        }
      }
    } finally {
      primary.close();
      backup.close();
    }
  }

  private static void awaitReady(FailoverResolver resolver) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      try {
        resolver.select("payments");
        return;
      } catch (RuntimeException notYet) {
        if (System.nanoTime() > deadline) {
          throw notYet;
        }
        Thread.sleep(10);
      }
    }
  }

  /** The status quo: an answer is kept for the record's TTL, as the OS and the JVM's InetAddress cache do. */
  static final class TtlCachingDns implements Dns {
    private final DnsCache dns;
    private final long ttlNanos;
    private List<InetAddress> cached;
    private long expires;

    TtlCachingDns(DnsCache dns, Duration ttl) {
      this.dns = dns;
      this.ttlNanos = ttl.toNanos();
    }

    @Override
    public synchronized List<InetAddress> lookup(String hostname) throws UnknownHostException {
      if (cached == null || System.nanoTime() >= expires) {
        DnsAnswer a = dns.lookup(hostname, RecordType.A);
        cached = a.addresses();
        expires = System.nanoTime() + ttlNanos;
      }
      return cached;
    }
  }
}

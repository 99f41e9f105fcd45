package io.github.failoverresolver.samples;

import io.github.failoverresolver.CredentialSources;
import io.github.failoverresolver.DnsSettings;
import io.github.failoverresolver.FailoverEvent;
import io.github.failoverresolver.FailoverResolver;
import io.github.failoverresolver.HealthChecks;
import io.github.failoverresolver.TlsTrust;
import io.github.failoverresolver.Upstreams;
import io.github.failoverresolver.okhttp.FailoverOkHttp;
import io.github.failoverresolver.testing.LoopbackDnsServer;
import io.github.failoverresolver.testing.LoopbackHttpServer;
import io.github.failoverresolver.testing.TestCertificates;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The demo: everything on loopback. An embedded DNS server, a primary and a backup HTTPS service with
 * certificates made at start-up, and an OkHttp client calling the logical service {@code payments} ten
 * times a second. The primary is killed: traffic moves at once, no call fails. It comes back: traffic
 * returns only after the failback window. Then the readiness report. Exits 0 by itself in about 25 s.
 */
public final class FailoverDemo {
  private static final long START = System.nanoTime();

  public static void main(String[] args) throws Exception {
    int failed = run();
    System.exit(failed == 0 ? 0 : 1);
  }

  static int run() throws Exception {
    TestCertificates.Authority ca = TestCertificates.authority("demo-ca");
    LoopbackHttpServer primary = LoopbackHttpServer.https("primary",
        ca.issue("primary.payments.demo", Duration.ofDays(90)));
    LoopbackHttpServer backup = LoopbackHttpServer.start("backup", InetAddress.getByName("127.0.0.2"),
        0, ca.issue("backup.payments.demo", Duration.ofDays(60)).serverContext());
    try (LoopbackDnsServer dns = LoopbackDnsServer.start()) {
      dns.zone("demo", 3600, 30)
          .a("primary.payments.demo", 300, "127.0.0.1")
          .a("backup.payments.demo", 300, "127.0.0.2");
      say("loopback DNS at %s: primary.payments.demo -> 127.0.0.1, backup.payments.demo -> 127.0.0.2 (TTL 300 s)",
          dns.hostAndPort());
      say("HTTPS primary on 127.0.0.1:%d and backup on 127.0.0.2:%d, certificates from a CA made just now",
          primary.port(), backup.port());
      Map<String, String> secrets = Map.of("PAYMENTS_PRIMARY_TOKEN", "demo-primary-token",
          "PAYMENTS_BACKUP_TOKEN", "demo-backup-token");
      TlsTrust trust = TlsTrust.trusting(ca.trustStore());
      FailoverResolver resolver = FailoverResolver.builder()
          .dns(DnsSettings.builder().provider("loopback", Upstreams.of(dns.hostAndPort())).build())
          .service("payments", s -> s
              .tier(0, "primary.payments.demo:" + primary.port(), e -> e
                  .check(HealthChecks.https("/ready").sslContext(ca.clientContext()))
                  .interval(Duration.ofSeconds(1)).tls(trust)
                  .credential(CredentialSources.env("PAYMENTS_PRIMARY_TOKEN", secrets)))
              .tier(1, "backup.payments.demo:" + backup.port(), e -> e
                  .check(HealthChecks.https("/ready").sslContext(ca.clientContext()))
                  .interval(Duration.ofSeconds(1)).tls(trust)
                  .credential(CredentialSources.env("PAYMENTS_BACKUP_TOKEN", secrets)))
              .failbackStability(Duration.ofSeconds(5))
              .set(io.github.failoverresolver.Setting.SLOW_START_WINDOW, Duration.ofSeconds(3)))
          .listener(FailoverDemo::onEvent)
          .build();
      try {
        awaitTarget(resolver);
        OkHttpClient http = FailoverOkHttp.install(new OkHttpClient.Builder()
                .sslSocketFactory(ca.clientContext().getSocketFactory(), ca.trustManager())
                .connectTimeout(Duration.ofSeconds(1)), resolver)
            .build();
        Caller caller = new Caller(http);
        say("calling https://payments/v1/balance 10 times a second");
        caller.callFor(Duration.ofSeconds(3));

        long kill = System.nanoTime();
        primary.stop();
        say(">>> primary KILLED (it refuses connections now; DNS still says 127.0.0.1 for 300 s)");
        caller.sinceKill = kill;
        caller.callFor(Duration.ofSeconds(3));

        LoopbackHttpServer revived = LoopbackHttpServer.start("primary", InetAddress.getLoopbackAddress(),
            primary.port(), ca.issue("primary.payments.demo", Duration.ofDays(90)).serverContext());
        say(">>> primary BACK on the same port; failback waits until it has been eligible for 5 s, then traffic"
            + " returns gradually over 3 s (slow start)");
        caller.callFor(Duration.ofSeconds(12));
        say("calls: %d, failed: %d, served by primary: %d, by backup: %d", caller.total.get(), caller.failed.get(),
            caller.primaryCount.get(), caller.backupCount.get());

        say("dry-run drill: %s", resolver.drill("payments"));
        System.out.println();
        System.out.print(resolver.readiness().toText());
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
        revived.close();
        return caller.failed.get();
      } finally {
        resolver.close();
      }
    } finally {
      primary.close();
      backup.close();
    }
  }

  /** Calls the logical service at a fixed rate and prints each change of who served it. */
  private static final class Caller {
    final OkHttpClient http;
    final AtomicInteger total = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger primaryCount = new AtomicInteger();
    final AtomicInteger backupCount = new AtomicInteger();
    String lastServedBy = "";
    long sinceKill = -1;

    Caller(OkHttpClient http) {
      this.http = http;
    }

    void callFor(Duration d) throws InterruptedException {
      long end = System.nanoTime() + d.toNanos();
      while (System.nanoTime() < end) {
        long t0 = System.nanoTime();
        String servedBy;
        try (Response r = http.newCall(new Request.Builder().url("https://payments/v1/balance").build()).execute()) {
          servedBy = r.isSuccessful() ? r.header("X-Served-By") : "HTTP " + r.code();
          if (!r.isSuccessful()) {
            failed.incrementAndGet();
          }
        } catch (IOException e) {
          servedBy = "FAILED (" + e.getMessage() + ")";
          failed.incrementAndGet();
        }
        total.incrementAndGet();
        if ("primary".equals(servedBy)) {
          primaryCount.incrementAndGet();
        } else if ("backup".equals(servedBy)) {
          backupCount.incrementAndGet();
        }
        if (!servedBy.equals(lastServedBy) && !ramping) { // during a slow start both serve: the events tell
          String extra = sinceKill > 0 && "backup".equals(servedBy)
              ? String.format(" (%.1f ms after the kill, the call itself took %.1f ms)",
                  (System.nanoTime() - sinceKill) / 1e6, (System.nanoTime() - t0) / 1e6)
              : "";
          if (!extra.isEmpty()) {
            sinceKill = -1;
          }
          say("call #%d served by %s%s", total.get(), servedBy, extra);
          lastServedBy = servedBy;
        }
        Thread.sleep(100);
      }
    }
  }

  /** A slow start is under way: calls go to both tiers (not narrated call by call). */
  static volatile boolean ramping;

  private static void onEvent(FailoverEvent e) {
    if (e instanceof FailoverEvent.SlowStartStarted r) {
      ramping = true;
      say("event: SLOW START back to tier %d: %.0f %% of calls at first, all of them after %d s", r.tier(),
          r.minShare() * 100, r.window().toSeconds());
    } else if (e instanceof FailoverEvent.SlowStartEnded r) {
      ramping = false;
      say("event: slow start to tier %d %s", r.tier(), r.completed() ? "completed: all calls there" : "cut short: "
          + r.reason());
    } else if (e instanceof FailoverEvent.Failover f) {
      say("event: FAILOVER tier %d -> %d (%s): %s", f.fromTier(), f.toTier(), f.toEndpoint(), f.reason());
    } else if (e instanceof FailoverEvent.Failback f) {
      say("event: FAILBACK tier %d -> %d after %.1f s stable", f.fromTier(), f.toTier(), f.stableFor().toMillis() / 1e3);
    } else if (e instanceof FailoverEvent.AddressEjected j) {
      say("event: %s ejected for %d s: %s", j.address(), j.duration().toSeconds(), j.reason());
    } else if (e instanceof FailoverEvent.AddressDown d) {
      say("event: %s down: %s", d.address(), d.reason());
    } else if (e instanceof FailoverEvent.AddressUp u && sinceStart() > 1) {
      say("event: %s up: %s", u.address(), u.reason());
    }
  }

  private static void awaitTarget(FailoverResolver resolver) throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      try {
        say("ready: payments -> %s", resolver.select("payments"));
        return;
      } catch (RuntimeException notYet) {
        Thread.sleep(25);
      }
    }
    throw new IllegalStateException("no target after 5 s: " + resolver.snapshot());
  }

  private static double sinceStart() {
    return (System.nanoTime() - START) / 1e9;
  }

  static void say(String format, Object... args) {
    System.out.printf("[%6.3f s] %s%n", sinceStart(), String.format(format, args));
  }
}

package io.github.failoverresolver.benchmarks;

import io.github.failoverresolver.FailoverEvent;
import io.github.failoverresolver.FailoverResolver;
import io.github.failoverresolver.HealthChecks;
import io.github.failoverresolver.okhttp.FailoverOkHttp;
import io.github.failoverresolver.testing.LoopbackHttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Slow start on failback under steady load, through OkHttp (loopback only, bounded in time): 8 client threads
 * each sending a GET every 20 ms to {@code http://payments/api}; the primary's readiness fails, then recovers,
 * and the service fails back with a slow start (10 s window from 10 %). Prints, for each second from the
 * failback, the primary's share of the requests; {@code --run fail} makes the primary's API answer 503 three
 * seconds into the ramp (traffic must return to the backup, and no idempotent request fail).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.github.failoverresolver.benchmarks.SlowStartHarness [--run steady|fail|both]</pre>
 */
public final class SlowStartHarness {
  private SlowStartHarness() {}

  private record Sample(long atNanos, String servedBy) {}

  public static void main(String[] args) throws Exception {
    String which = args.length >= 2 && args[0].equals("--run") ? args[1] : "both";
    if (!which.equals("fail")) {
      run(false);
    }
    if (!which.equals("steady")) {
      run(true);
    }
  }

  static void run(boolean failDuringRamp) throws Exception {
    String name = failDuringRamp ? "fail_during_ramp" : "steady";
    LoopbackHttpServer primary = LoopbackHttpServer.http("primary");
    LoopbackHttpServer backup = LoopbackHttpServer.start("backup", InetAddress.getByName("127.0.0.2"), primary.port(),
        null);
    List<FailoverEvent> events = new CopyOnWriteArrayList<>();
    FailoverResolver resolver = FailoverResolver.builder()
        .service("payments", s -> s
            .tier(0, "127.0.0.1:" + primary.port(), e -> e.check(HealthChecks.http("/ready"))
                .interval(Duration.ofSeconds(1)).passiveFirst(false))
            .tier(1, "127.0.0.2:" + backup.port(), e -> e.check(HealthChecks.http("/ready"))
                .interval(Duration.ofSeconds(1)))
            .failbackStability(Duration.ofSeconds(3)))
        .listener(events::add)
        .build();
    OkHttpClient client = FailoverOkHttp.install(new OkHttpClient.Builder()
        .connectTimeout(Duration.ofSeconds(2)).readTimeout(Duration.ofSeconds(5)), resolver).build();
    List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(8, r -> {
      Thread t = new Thread(r, "load-client");
      t.setDaemon(true);
      return t;
    });
    long start = System.nanoTime();
    long hardEnd = start + Duration.ofSeconds(60).toNanos();
    long[] stopAt = {hardEnd};
    try {
      LoadRun.awaitReady(resolver, "payments");
      for (int i = 0; i < 8; i++) {
        long offset = 20_000_000L * i / 8;
        pool.execute(() -> {
          long next = System.nanoTime() + offset;
          while (System.nanoTime() < stopAt[0]) {
            samples.add(new Sample(System.nanoTime(), call(client)));
            next += 20_000_000L;
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
              try {
                Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
              } catch (InterruptedException e) {
                return;
              }
            } else {
              next = System.nanoTime();
            }
          }
        });
      }
      Thread.sleep(2_000);
      primary.readiness(503);
      await(events, FailoverEvent.Failover.class, 1, hardEnd);
      Thread.sleep(1_000);
      primary.readiness(200);
      await(events, FailoverEvent.SlowStartStarted.class, 1, hardEnd);
      long rampStart = System.nanoTime();
      if (failDuringRamp) {
        Thread.sleep(3_000);
        primary.status("/api", 503);
      }
      stopAt[0] = Math.min(hardEnd, rampStart + Duration.ofSeconds(12).toNanos());
      pool.shutdown();
      pool.awaitTermination(70, TimeUnit.SECONDS);
      List<Sample> all;
      synchronized (samples) {
        all = List.copyOf(samples);
      }
      StringBuilder shares = new StringBuilder();
      for (int second = 0; second < 12; second++) {
        long from = rampStart + second * 1_000_000_000L;
        long to = from + 1_000_000_000L;
        long n = all.stream().filter(s -> s.atNanos() >= from && s.atNanos() < to).count();
        long p = all.stream().filter(s -> s.atNanos() >= from && s.atNanos() < to && "primary".equals(s.servedBy()))
            .count();
        shares.append(second == 0 ? "" : ",").append(n == 0 ? "-" : String.format(java.util.Locale.ROOT, "%.2f",
            p / (double) n));
      }
      long failed = all.stream().filter(s -> s.servedBy() == null).count();
      long fromRamp = all.stream().filter(s -> s.atNanos() >= rampStart).count();
      System.out.println("slow_start run=" + name + " requests_from_failback=" + fromRamp + " failed=" + failed
          + " primary_share_per_second=" + shares + " failovers=" + count(events, FailoverEvent.Failover.class)
          + " failbacks=" + count(events, FailoverEvent.Failback.class) + " slow_start_ended="
          + events.stream().filter(e -> e instanceof FailoverEvent.SlowStartEnded).map(e ->
              ((FailoverEvent.SlowStartEnded) e).completed() ? "completed" : "aborted").toList());
    } finally {
      pool.shutdownNow();
      client.dispatcher().executorService().shutdownNow();
      client.connectionPool().evictAll();
      resolver.close();
      primary.close();
      backup.close();
    }
  }

  private static String call(OkHttpClient client) {
    try (Response r = client.newCall(new Request.Builder().url("http://payments/api").build()).execute()) {
      return r.code() == 200 ? r.header("X-Served-By") : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static long count(List<FailoverEvent> events, Class<?> type) {
    return events.stream().filter(type::isInstance).count();
  }

  private static void await(List<FailoverEvent> events, Class<?> type, int n, long deadline)
      throws InterruptedException {
    while (count(events, type) < n) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no " + type.getSimpleName() + " in time; events: " + events);
      }
      Thread.sleep(5);
    }
  }
}

package io.github.failoverresolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.failoverresolver.testing.ManualScheduler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A busy check schedule (many checks due every 50 ms, coalesced into one tick): every address is still checked
 * once per interval, and closing the resolver leaves no timer on a scheduler the application gave. Virtual
 * time, a counting check on IP literals: no socket.
 */
class BusyScheduleTest {
  final ManualScheduler time = new ManualScheduler(Instant.parse("2026-01-01T00:00:00Z"));
  final Map<InetSocketAddress, AtomicInteger> probes = new ConcurrentHashMap<>();
  final HealthCheck counting = c -> {
    probes.computeIfAbsent(c.address(), a -> new AtomicInteger()).incrementAndGet();
    return HealthCheck.Result.healthy("ready");
  };

  @Test
  void aBusyScheduleChecksEveryAddressEachIntervalAndCloseLeavesNoTimer() {
    int services = 1_000; // 2,000 addresses every 5 s: 20 due in each 50 ms, over the busy threshold of 8
    FailoverResolver.Builder b = FailoverResolver.builder()
        .dns(DnsSettings.builder().provider("none", Upstreams.of("127.0.0.1:9")).build())
        .clock(time.clock()).scheduler(time).checkExecutor(time).controlExecutor(Runnable::run)
        .listenerExecutor(Runnable::run);
    for (int i = 0; i < services; i++) {
      int n = i;
      b.service("svc-" + i, s -> s
          .tier(0, "127.1." + n / 200 + "." + (1 + n % 200) + ":8443", e -> e.check(counting)
              .interval(Duration.ofSeconds(5)))
          .tier(1, "127.2." + n / 200 + "." + (1 + n % 200) + ":8443", e -> e.check(counting)
              .interval(Duration.ofSeconds(5))));
    }
    FailoverResolver r = b.build();
    for (int step = 0; step < 600; step++) { // 30 s in 50 ms steps
      time.advance(Duration.ofMillis(50));
    }
    assertEquals(2 * services, probes.size(), "every address checked");
    for (Map.Entry<InetSocketAddress, AtomicInteger> e : probes.entrySet()) {
      // first check within the first interval, then every 5 s plus up to 10 % jitter: 5 or 6 in 30 s
      int n = e.getValue().get();
      assertTrue(n >= 5 && n <= 7, e.getKey() + " checked " + n + " times in 30 s");
    }
    assertTrue(time.pendingTasks() > 0, "a schedule is running");
    r.close();
    assertEquals(0, time.pendingTasks(), "no timer left on the application's scheduler");
  }
}

package io.github.failoverresolver;

import static io.github.failoverresolver.FailoverResolverThreadsTest.await;
import static io.github.failoverresolver.FailoverResolverThreadsTest.checkThreads;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.failoverresolver.testing.LoopbackHttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An endpoint's A record moves from one healthy server to another whose readiness answer takes 300 ms
 * (real sockets, real check threads, virtual time for TTLs and intervals): the old address serves until
 * the new one has its first verdict, so nothing fails over and select never fails.
 */
class MakeBeforeBreakTest {
  final ExecutorService pool = checkThreads();
  final ResolverFixture f = new ResolverFixture();
  LoopbackHttpServer before;
  LoopbackHttpServer after;
  String endpoint;

  @AfterEach
  void close() throws Exception {
    f.close();
    pool.shutdownNow();
  }

  void start(boolean withBackup) throws Exception {
    before = f.closeLater(LoopbackHttpServer.http("before"));
    int port = before.port();
    after = f.closeLater(LoopbackHttpServer.start("after", InetAddress.getByName("127.0.0.2"), port, null))
        .delay("/ready", Duration.ofMillis(300));
    LoopbackHttpServer backup = f.closeLater(LoopbackHttpServer.start("backup", InetAddress.getByName("127.0.0.3"), 0,
        null));
    f.dns.a("api.test", 1, "127.0.0.1");
    endpoint = "api.test:" + port;
    f.start(r -> r.service("pay", s -> {
      s.tier(0, endpoint, e -> e.check(HealthChecks.http("/ready")).jitter(0));
      if (withBackup) {
        s.tier(1, "127.0.0.3:" + backup.port(), e -> e.check(HealthChecks.http("/ready")).jitter(0));
      }
    }), x -> x, pool);
    FailoverResolverThreadsTest.awaitSelected(f.resolver, "pay", endpoint);
  }

  /** Moves the record, then calls select in a loop until the new address alone serves; returns the failures. */
  int moveRecordWhileSelecting() throws Exception {
    InetSocketAddress next = new InetSocketAddress(InetAddress.getByName("127.0.0.2"), before.port());
    try (SelectWatch watch = SelectWatch.start(f.resolver, "pay", t -> t.endpoint().equals(endpoint))) {
      f.dns.a("api.test", 1, "127.0.0.2");
      // the record's TTL (1 s) runs out and the endpoint's name is looked up again (every second); the lookup
      // itself is real I/O, so each virtual second waits for it, a bounded while (3 s: checks recur at 5 s)
      boolean seen = false;
      for (int second = 0; second < 3 && !seen; second++) {
        f.advanceSeconds(1);
        seen = within(Duration.ofSeconds(2), () -> !after.requests().isEmpty());
      }
      assertTrue(seen, "the endpoint's new address was found and its check started");
      await("only the new address serves", () -> {
        try {
          return f.resolver.select("pay").addresses().equals(List.of(next));
        } catch (NoEligibleTargetException none) {
          return false; // counted by the watch
        }
      });
      watch.close();
      assertTrue(watch.calls() > 0);
      assertTrue(after.requests().size() >= 1, "the new address was checked before it served");
      return watch.violations();
    }
  }

  /** Polls {@code condition} for at most {@code max} of real time; false if it never held. */
  static boolean within(Duration max, java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(2);
    }
    return true;
  }

  @Test
  void withABackupTheMoveCausesNoFailover() throws Exception {
    start(true);
    assertEquals(0, moveRecordWhileSelecting(), "select calls that failed or left the primary");
    assertEquals(List.of(), f.events(FailoverEvent.Failover.class));
  }

  @Test
  void withoutABackupSelectNeverFailsDuringTheMove() throws Exception {
    start(false);
    assertEquals(0, moveRecordWhileSelecting(), "select calls that threw NoEligibleTargetException");
    assertEquals(List.of(), f.events(FailoverEvent.ServiceUnavailable.class));
  }
}

package io.github.failoverresolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.failoverresolver.testing.LoopbackDnsServer;
import io.github.failoverresolver.testing.LoopbackHttpServer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** User check code that hangs, and the threads the resolver owns. */
class FailoverResolverThreadsTest {

  /** Waits (bounded, polling) for something another thread does; fails the test if it never happens. */
  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      Thread.sleep(2);
    }
  }

  /** Waits (bounded) until {@code service} is served by {@code endpoint}; checks run on other threads. */
  static void awaitSelected(FailoverResolver resolver, String service, String endpoint) throws InterruptedException {
    await(service + " served by " + endpoint, () -> {
      try {
        return resolver.select(service).endpoint().equals(endpoint);
      } catch (NoEligibleTargetException notYet) {
        return false;
      }
    });
  }

  /** Real check threads (user code that hangs needs them), on the fixture's virtual time. */
  static ExecutorService checkThreads() {
    return Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "test-check");
      t.setDaemon(true);
      return t;
    });
  }

  /** A status page polling snapshot() costs the control loop nothing: it answers while the loop is busy. */
  @Test
  void snapshotIsBuiltWithoutTheControlLoop() throws Exception {
    ExecutorService loop = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "test-loop");
      t.setDaemon(true);
      return t;
    });
    CountDownLatch hold = new CountDownLatch(1);
    try (FailoverResolver r = FailoverResolver.builder()
        .dns(DnsSettings.builder().provider("none", Upstreams.of("127.0.0.1:9")).build())
        .controlExecutor(loop)
        .service("pay", s -> s.tier(0, "127.0.0.1:8080").tier(1, "127.0.0.2:8080"))
        .build()) {
      awaitSelected(r, "pay", "127.0.0.1:8080");
      loop.execute(() -> {
        try {
          hold.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      // a call through the loop would now wait out its 5 s limit and throw
      ResolverSnapshot snap = assertTimeoutPreemptively(Duration.ofSeconds(2), r::snapshot);
      ResolverSnapshot.Service pay = snap.service("pay").orElseThrow();
      assertEquals(0, pay.activeTier());
      assertTrue(pay.endpoint("127.0.0.1:8080").orElseThrow().up());
      assertEquals(2, pay.endpoints().size());
      hold.countDown();
    } finally {
      hold.countDown();
      loop.shutdownNow();
    }
  }

  @Test
  void hungCheckStallsNeitherOtherChecksNorSelect() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    HealthCheck hangs = c -> {
      release.await();
      return HealthCheck.Result.healthy("too late");
    };
    ExecutorService pool = checkThreads();
    try (ResolverFixture f = new ResolverFixture();
        LoopbackHttpServer primary = LoopbackHttpServer.http("primary");
        LoopbackHttpServer backup = LoopbackHttpServer.http("backup")) {
      f.dns.a("primary.test", 300, "127.0.0.1").a("backup.test", 300, "127.0.0.1");
      String p = "primary.test:" + primary.port();
      String b = "backup.test:" + backup.port();
      f.start(r -> r.service("pay", s -> s
              .tier(0, p, e -> e.check(hangs).jitter(0))
              .tier(1, b, e -> e.check(HealthChecks.http("/ready")).jitter(0))),
          x -> x, pool);
      await("the backup's first check", () -> backup.requests().size() == 1);
      awaitSelected(f.resolver, "pay", b);
      assertTimeoutPreemptively(Duration.ofSeconds(1), () -> f.resolver.select("pay"), "select never waits");

      f.advanceSeconds(1); // the primary's first check times out: forgiven once (cold start)
      assertEquals(ResolverSnapshot.Health.UNKNOWN, f.resolver.snapshot().service("pay").orElseThrow()
          .endpoint(p).orElseThrow().addresses().get(0).health());
      f.advanceSeconds(1); // still running one timeout later: hung, and that counts
      ResolverSnapshot.Address primaryState = f.resolver.snapshot().service("pay").orElseThrow()
          .endpoint(p).orElseThrow().addresses().get(0);
      assertEquals(ResolverSnapshot.Health.UNHEALTHY, primaryState.health());
      assertTrue(primaryState.detail().contains("hung"), primaryState.detail());

      // advance exactly to each backup round (t = 5, 10, 15) and wait for its real I/O before moving on:
      // virtual time must not run past a check's timeout while the check is still on the wire
      for (int round = 2; round <= 4; round++) {
        f.advanceSeconds(round == 2 ? 3 : 5);
        java.time.Instant now = f.time.now();
        await("backup check round " + round, () -> f.resolver.snapshot().service("pay").orElseThrow()
            .endpoint(b).orElseThrow().addresses().get(0).lastChecked().equals(java.util.Optional.of(now)));
      }
      assertEquals(4, backup.requests().size(), "the backup was checked every round");
      assertTrue(f.resolver.snapshot().service("pay").orElseThrow().endpoint(p).orElseThrow().addresses().get(0)
          .detail().contains("hung"), "later rounds do not start a second check of the hung address");
      assertEquals(b, f.resolver.select("pay").endpoint());
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void hungCredentialSourceBlocksItsEndpointAndStallsNothingElse() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = checkThreads();
    try (ResolverFixture f = new ResolverFixture();
        LoopbackHttpServer primary = LoopbackHttpServer.http("primary");
        LoopbackHttpServer backup = LoopbackHttpServer.http("backup")) {
      f.dns.a("primary.test", 300, "127.0.0.1").a("backup.test", 300, "127.0.0.1");
      String p = "primary.test:" + primary.port();
      String b = "backup.test:" + backup.port();
      f.start(r -> r.service("pay", s -> s
              .tier(0, p, e -> e.credential(CredentialSources.supplier("stuck vault", () -> {
                try {
                  release.await();
                } catch (InterruptedException e1) {
                  Thread.currentThread().interrupt();
                }
                return java.util.Optional.of(Credential.of("late", "late-secret"));
              })))
              .tier(1, b, e -> e.credential(CredentialSources.env("B", java.util.Map.of("B", "backup-secret"))))),
          x -> x, pool);
      awaitSelected(f.resolver, "pay", b);
      f.advanceSeconds(5); // the hung source's round times out
      ResolverSnapshot.Credential credential = f.resolver.snapshot().service("pay").orElseThrow().endpoint(p)
          .orElseThrow().credential().orElseThrow();
      assertEquals(ResolverSnapshot.TrustStatus.BLOCKED, credential.status());
      assertTrue(credential.reason().contains("did not answer within 5000 ms"), credential.reason());
      assertTrue(f.events(FailoverEvent.CredentialBlocked.class).stream()
          .anyMatch(e -> e.endpoint().equals(p)), "blocked, with an event");
      assertEquals(b, f.resolver.select("pay").endpoint());
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void closeStopsEveryThreadTheResolverStartedAndIsIdempotent() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    CountDownLatch never = new CountDownLatch(1);
    try (LoopbackDnsServer dns = LoopbackDnsServer.start();
        LoopbackHttpServer primary = LoopbackHttpServer.http("primary")) {
      dns.a("primary.test", 300, "127.0.0.1").a("stuck.test", 300, "127.0.0.1");
      FailoverResolver resolver = FailoverResolver.builder()
          .dns(DnsSettings.builder().provider("loopback", Upstreams.of(dns.hostAndPort())).build())
          .service("pay", s -> s
              .tier(0, "primary.test:" + primary.port(), e -> e.check(HealthChecks.http("/ready")))
              .tier(1, "stuck.test:" + primary.port(), e -> e.check(c -> {
                never.await(); // a user check that hangs until interrupted
                return HealthCheck.Result.healthy("unreachable");
              })))
          .listener(e -> { })
          .build();
      await("the primary to be selected", () -> {
        try {
          return resolver.select("pay").tier() == 0;
        } catch (NoEligibleTargetException notYet) {
          return false;
        }
      });
      List<Thread> ours = LibraryThreads.startedSince(before);
      assertTrue(ours.stream().allMatch(Thread::isDaemon), "daemons only: " + ours);
      assertTrue(ours.stream().anyMatch(t -> t.getName().startsWith("failover-resolver-control")), ours.toString());

      resolver.close();
      resolver.close();
      assertEquals(List.of(), LibraryThreads.stillAliveAfterJoin(before));
    }
  }
}

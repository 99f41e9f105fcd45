package io.github.failoverresolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.failoverresolver.testing.LoopbackBlackhole;
import io.github.failoverresolver.testing.LoopbackHttpServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Built-in checks run by the scheduler block on plain sockets; their timeout is the scheduler's cutoff, which
 * closes the socket. A connect that the network never answers (a blackholed address: the kernel drops the SYN)
 * must still end at the timeout, free its thread for the other checks, and end when the resolver closes.
 */
class CheckCutoffTest {

  /** The endpoint's one address; empty before the first decision publishes it. */
  private static java.util.Optional<ResolverSnapshot.Address> address(FailoverResolver r, String endpoint) {
    return r.snapshot().service("pay").orElseThrow().endpoint(endpoint).orElseThrow().addresses().stream()
        .findFirst();
  }

  /** One check thread: the blackholed check is cut at its timeout and the other address's checks go on. */
  @Test
  void aConnectNobodyAnswersIsCutAtItsTimeoutAndFreesTheThread() throws Exception {
    try (LoopbackBlackhole hole = LoopbackBlackhole.start();
        LoopbackHttpServer backup = LoopbackHttpServer.http("backup");
        FailoverResolver r = FailoverResolver.builder()
            .dns(DnsSettings.builder().provider("none", Upstreams.of("127.0.0.1:9")).build())
            .maxConcurrentChecks(1)
            .service("pay", s -> s
                .tier(0, "127.0.0.1:" + hole.port(), e -> e.check(HealthChecks.tcp()).timeout(Duration.ofMillis(300))
                    .interval(Duration.ofMillis(500)))
                .tier(1, "127.0.0.1:" + backup.port(), e -> e.check(HealthChecks.http("/ready"))
                    .timeout(Duration.ofMillis(300)).interval(Duration.ofMillis(500))))
            .build()) {
      String primary = "127.0.0.1:" + hole.port();
      String second = "127.0.0.1:" + backup.port();
      // the cold-start rule forgives the first slow failure; the second counts
      FailoverResolverThreadsTest.await("the blackholed address counted as timed out",
          () -> address(r, primary).map(a -> a.health() == ResolverSnapshot.Health.UNHEALTHY).orElse(false));
      String detail = address(r, primary).orElseThrow().detail();
      assertTrue(detail.contains("timed out"), detail);
      FailoverResolverThreadsTest.awaitSelected(r, "pay", second);
      // the one thread keeps checking the backup, round after round, between the cut connects
      int seen = backup.requests().size();
      FailoverResolverThreadsTest.await("three more backup rounds", () -> backup.requests().size() >= seen + 3);
      assertEquals(ResolverSnapshot.Health.HEALTHY, address(r, second).orElseThrow().health());
    }
  }

  /** A check blocked in connect with a long timeout ends when the resolver closes: no thread outlives it. */
  @Test
  void closeEndsABlockedCheckAtOnce() throws Exception {
    Set<Thread> before = LibraryThreads.now();
    try (LoopbackBlackhole hole = LoopbackBlackhole.start()) {
      FailoverResolver r = FailoverResolver.builder()
          .dns(DnsSettings.builder().provider("none", Upstreams.of("127.0.0.1:9")).build())
          .service("pay", s -> s.tier(0, "127.0.0.1:" + hole.port(), e -> e.check(HealthChecks.tcp())
              .timeout(Duration.ofMinutes(5)).interval(Duration.ofMinutes(10))))
          .build();
      FailoverResolverThreadsTest.await("a check thread blocked in connect", () -> LibraryThreads.startedSince(before)
          .stream().anyMatch(CheckCutoffTest::inConnect));
      long t0 = System.nanoTime();
      r.close();
      assertEquals(List.of(), LibraryThreads.stillAliveAfterJoin(before));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(ms < 4_000, "close took " + ms + " ms"); // the owned pools wait at most 5 s for a thread
    }
  }

  /** Called directly (no scheduler, so no cutoff), a built-in check still bounds its connect by the timeout. */
  @Test
  void aDirectCallStillHonoursItsTimeout() throws Exception {
    try (LoopbackBlackhole hole = LoopbackBlackhole.start()) {
      InetSocketAddress to = hole.address();
      long t0 = System.nanoTime();
      HealthCheck.Result result = HealthChecks.tcp().check(new HealthCheck.Context(to, "127.0.0.1", to.getPort(),
          Duration.ofMillis(200)));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(!result.healthy() && ms >= 150 && ms < 3_000, result + " after " + ms + " ms");
    }
  }

  /** The TCP check closes with a reset (no TIME_WAIT left on the checking host): the server reads a reset, not EOF. */
  @Test
  void theTcpCheckClosesWithAReset() throws Exception {
    try (java.net.ServerSocket server = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      InetSocketAddress to = (InetSocketAddress) server.getLocalSocketAddress();
      HealthCheck.Result result = HealthChecks.tcp().check(new HealthCheck.Context(to, "127.0.0.1", to.getPort(),
          Duration.ofSeconds(5)));
      assertTrue(result.healthy(), result.toString());
      try (java.net.Socket accepted = server.accept()) {
        accepted.setSoTimeout(5_000);
        java.io.IOException reset = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
            () -> accepted.getInputStream().read());
        assertTrue(reset.getMessage().contains("reset"), reset.getMessage());
      }
    }
  }

  private static boolean inConnect(Thread t) {
    for (StackTraceElement e : t.getStackTrace()) {
      if (e.getMethodName().equals("connect") && e.getClassName().contains("Socket")) {
        return true;
      }
    }
    return false;
  }
}

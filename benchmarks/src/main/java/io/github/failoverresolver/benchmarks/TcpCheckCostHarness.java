package io.github.failoverresolver.benchmarks;

import io.github.failoverresolver.HealthCheck;
import io.github.failoverresolver.HealthChecks;
import io.github.failoverresolver.internal.health.Cutoff;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.Locale;

/**
 * What one TCP check costs the checking thread, next to the bare connect it is made of, at the scale run's rate
 * (10,000 addresses every 5 s: 2,000 a second, in 50 ms ticks of 100) against a listener on 0.0.0.0 reached
 * through 10,000 distinct 127.10.x.y addresses. On loopback the connecting thread also runs the server's half
 * of the handshake in the kernel, so this is the floor any implementation of a "a new TCP connection opens"
 * check pays here; the same for an HTTP GET of /ready against the bare exchange (the acceptor answers in its own
 * thread, not counted). Each bare exchange is measured timed (connect and read timeouts: a non-blocking call, a
 * poll, the call again) and blocking (one call), and the library's checks as the scheduler runs them (blocking,
 * under a {@link Cutoff}). Prints one line per mode and round:
 * {@code mode=bare_socket connects=20000 cpu_us_per_connect=.. pct_of_core_at_2000_per_s=..}.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.github.failoverresolver.benchmarks.TcpCheckCostHarness}
 */
public final class TcpCheckCostHarness {
  private static final int N = 20_000;
  private static final int PER_TICK = 100;
  /** Whether the acceptor answers HTTP (set between modes, read by the acceptor). */
  private static volatile boolean http;

  private TcpCheckCostHarness() {}

  public static void main(String[] args) throws Exception {
    try (ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress("0.0.0.0", 0), 4096);
      int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
      Thread acceptor = new Thread(() -> {
        byte[] ok = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nready"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.nio.ByteBuffer in = java.nio.ByteBuffer.allocate(4096);
        try {
          while (true) {
            try (java.nio.channels.SocketChannel c = server.accept()) {
              if (http) { // read the request's head, answer 200, close
                in.clear();
                while (c.read(in) > 0) {
                  int p = in.position();
                  if (p >= 4 && in.get(p - 4) == '\r' && in.get(p - 3) == '\n' && in.get(p - 2) == '\r'
                      && in.get(p - 1) == '\n') {
                    break;
                  }
                }
                c.write(java.nio.ByteBuffer.wrap(ok));
              }
            } catch (java.io.IOException reset) {
              // a check that gave up: the next one
            }
          }
        } catch (Exception closed) {
          // the harness ends
        }
      }, "harness-acceptor");
      acceptor.setDaemon(true);
      acceptor.start();
      InetSocketAddress[] targets = new InetSocketAddress[10_000];
      for (int k = 0; k < targets.length; k++) {
        targets[k] = new InetSocketAddress(InetAddress.getByAddress(
            new byte[] {127, 10, (byte) (k / 250), (byte) (1 + k % 250)}), port);
      }
      HealthCheck tcp = HealthChecks.tcp();
      HealthCheck get = HealthChecks.http("/ready");
      for (int round = 1; round <= 3; round++) {
        for (String mode : new String[] {"bare_socket", "bare_blocking_connect", "bare_inet_channel_rst", "library_tcp_check",
            "bare_http_get", "bare_blocking_http_get", "library_http_check"}) {
          http = mode.contains("http");
          double us = run(mode, targets, mode.equals("library_http_check") ? get : tcp);
          System.out.println(String.format(Locale.ROOT,
              "mode=%s round=%d connects=%d cpu_us_per_connect=%.1f pct_of_core_at_2000_per_s=%.1f",
              mode, round, N, us, us * 2000 / 1e4));
        }
      }
    }
  }

  private static double run(String mode, InetSocketAddress[] targets, HealthCheck tcp) throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpu0 = threads.getCurrentThreadCpuTime();
    for (int i = 0; i < N; i++) {
      InetSocketAddress to = targets[i % targets.length];
      if (mode.endsWith("http_get")) {
        boolean blocking = mode.contains("blocking");
        try (Socket s = new Socket(Proxy.NO_PROXY)) {
          s.connect(to, blocking ? 0 : 1000);
          s.setSoTimeout(blocking ? 0 : 1000);
          s.getOutputStream().write(("GET /ready HTTP/1.1\r\nHost: " + to.getHostString() + ":" + to.getPort()
              + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          s.getInputStream().readAllBytes();
        }
      } else if (mode.equals("bare_inet_channel_rst")) {
        // an AF_INET channel (no IPv4-mapped IPv6 socket, no IPV6_V6ONLY option), blocking, closed with a reset
        try (java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open(
            java.net.StandardProtocolFamily.INET)) {
          c.setOption(java.net.StandardSocketOptions.SO_LINGER, 0);
          c.connect(to);
        }
      } else if (mode.startsWith("bare_")) {
        try (Socket s = new Socket(Proxy.NO_PROXY)) {
          s.connect(to, mode.contains("blocking") ? 0 : 1000);
        }
      } else {
        // as the scheduler runs a built-in check: blocking sockets under a cutoff (never reached here)
        Cutoff.enter(new Cutoff());
        HealthCheck.Result r;
        try {
          r = tcp.check(new HealthCheck.Context(to, to.getHostString(), to.getPort(), Duration.ofSeconds(1)));
        } finally {
          Cutoff.enter(null);
        }
        if (!r.healthy()) {
          throw new IllegalStateException(r.toString());
        }
      }
      if (i % PER_TICK == PER_TICK - 1) {
        Thread.sleep(50);
      }
    }
    return (threads.getCurrentThreadCpuTime() - cpu0) / 1e3 / N;
  }
}

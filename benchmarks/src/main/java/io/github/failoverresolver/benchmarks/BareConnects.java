package io.github.failoverresolver.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.List;

/**
 * The floor a TCP check stands on, measured in the scale run itself: bare connects closed with a reset (a
 * channel of the address's family, SO_LINGER 0, a blocking connect, close: what the library's check does,
 * without the library) at the resolver's check rate, to the same addresses and backends, on one thread of
 * the harness (pinned with the resolver), in % of one core. The machine's cost of the connects alone, next to
 * which the resolver's steady CPU is read: on loopback the connecting thread also runs the backend's half of
 * each handshake in the kernel, and what that costs varies from one run to the next.
 */
final class BareConnects {
  private BareConnects() {}

  /**
   * Connects to {@code all} in turn, {@code perSecond} a second in 50 ms ticks, for {@code seconds}; NaN if the
   * thread did not finish within three times that (it is interrupted).
   */
  static double cpuPct(List<InetSocketAddress> all, int perSecond, int seconds) throws InterruptedException {
    double[] pct = {Double.NaN};
    Thread t = new Thread(() -> {
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      int perTick = Math.max(1, perSecond / 20);
      long cpu0 = threads.getCurrentThreadCpuTime();
      long w0 = System.nanoTime();
      int k = 0;
      for (int tick = 0; tick < seconds * 20; tick++) {
        for (int i = 0; i < perTick; i++) {
          InetSocketAddress a = all.get(k++ % all.size());
          try (SocketChannel s = SocketChannel.open(a.getAddress() instanceof Inet6Address
              ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET)) {
            s.setOption(StandardSocketOptions.SO_LINGER, 0);
            s.connect(a);
          } catch (IOException refused) {
            // a killed listener's address: refused, as a check would be
          }
        }
        long wait = w0 + (tick + 1) * 50_000_000L - System.nanoTime();
        if (wait > 0) {
          ScaleHarness.sleep(wait / 1_000_000);
        }
      }
      pct[0] = 100.0 * (threads.getCurrentThreadCpuTime() - cpu0) / (System.nanoTime() - w0);
    }, "harness-bare-connects");
    t.start();
    t.join(seconds * 3_000L + 10_000);
    if (t.isAlive()) {
      t.interrupt(); // its sleep ends it; no figure rather than a partial one
      return Double.NaN;
    }
    return pct[0]; // written before the thread ended: join orders it
  }
}

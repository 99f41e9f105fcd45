package io.github.failoverresolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.failoverresolver.testing.LoopbackDnsServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A hostile or broken upstream can never stall a lookup (real sockets, real deadlines). */
class DnsHardeningTest {

  /**
   * A provider that answers UDP with TC and then, over TCP, announces 65,535 bytes and drips one byte every
   * 1.5 s: the exchange ends at the provider's deadline (one total deadline, not one per read), and the
   * second provider answers.
   */
  @Test
  void aSlowDripOverTcpEndsAtTheQueryTimeoutAndTheNextProviderAnswers() throws Exception {
    try (DnsFixture f = new DnsFixture(b -> b.queryTimeout(Duration.ofSeconds(2)))) {
      f.primary.zone("test", 3600, 30).a("api.test", 60, "127.0.0.7").fault(LoopbackDnsServer.Fault.TCP_DRIP);
      f.secondary.zone("test", 3600, 30).a("api.test", 60, "127.0.0.8");
      long start = System.nanoTime();
      List<InetAddress> found = f.cache.addresses("api.test");
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertEquals(List.of(InetAddress.getByName("127.0.0.8")), found);
      assertTrue(f.primary.queries().stream().anyMatch(q -> q.response().equals("DRIP")), "the drip was reached");
      // 2 s for the dripping provider (A), then the other; a per-read timeout would have taken 60 s here
      assertTrue(ms < 3_500, "lookup took " + ms + " ms");
      System.out.println("slow-drip lookup took " + ms + " ms (queryTimeout 2000 ms)");
    }
  }
}

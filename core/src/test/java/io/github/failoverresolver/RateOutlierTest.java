package io.github.failoverresolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Outlier detection by rate through the resolver (virtual time, a real loopback DNS server naming the
 * endpoint's addresses; outcomes reported as a client reports them): an address failing half its requests,
 * never five in a row, is ejected by success rate among 10 siblings, and not with only 2 (fewer than the 5
 * addresses a relative judgement needs); one failing 90 % is ejected by failure percentage even alone.
 */
class RateOutlierTest {
  final ResolverFixture f = new ResolverFixture();

  @AfterEach
  void close() throws Exception {
    f.close();
  }

  List<InetSocketAddress> start(int addresses) throws Exception {
    return start(addresses, s -> { });
  }

  List<InetSocketAddress> start(int addresses, java.util.function.Consumer<ServiceBuilder> more) throws Exception {
    String[] ips = new String[addresses];
    List<InetSocketAddress> out = new ArrayList<>();
    for (int i = 0; i < addresses; i++) {
      ips[i] = "127.0.0." + (i + 1);
      out.add(new InetSocketAddress(InetAddress.getByName(ips[i]), 8443));
    }
    f.dns.a("pay.test", 300, ips);
    f.start(r -> r.service("pay", s -> {
      s.tier(0, "pay.test:8443");
      more.accept(s);
    }));
    f.advanceSeconds(1);
    assertEquals(addresses, f.resolver.select("pay").addresses().size());
    return out;
  }

  /**
   * 200 rounds, 50 ms apart, of one request to each address; {@code failing} succeeds only every
   * {@code succeedEvery}-th time.
   */
  void traffic(List<InetSocketAddress> all, int failing, int succeedEvery) {
    Outcome ok = Outcome.success(Duration.ofMillis(2));
    for (int round = 0; round < 200; round++) {
      for (int i = 0; i < all.size(); i++) {
        boolean fail = i == failing && round % succeedEvery != 0;
        f.resolver.report(all.get(i), fail ? Outcome.failure("HTTP 503") : ok);
      }
      f.advance(Duration.ofMillis(50)); // 10 s in all
    }
  }

  @Test
  void halfFailingAmongTenIsEjectedBySuccessRate() throws Exception {
    List<InetSocketAddress> all = start(10);
    traffic(all, 3, 2); // 50 % failures, never two in a row
    List<FailoverEvent.AddressEjected> ejected = f.events(FailoverEvent.AddressEjected.class);
    assertEquals(1, ejected.size(), ejected.toString());
    assertEquals("127.0.0.4:8443", ejected.get(0).address());
    // counted from the endpoint's first failure on: about 50 % against a mean of 95 %
    assertTrue(ejected.get(0).reason().matches("success rate 4\\d\\.\\d % is below 6\\d\\.\\d % \\(mean 95\\.0 % of 10"
        + " addresses minus 1\\.9 standard deviations\\)"), ejected.get(0).reason());
    assertEquals(9, f.resolver.select("pay").addresses().size());
    assertTrue(f.resolver.select("pay").addresses().stream().noneMatch(a -> a.equals(all.get(3))));
  }

  @Test
  void withOnlyTwoAddressesTheMinimumHostRuleKeepsIt() throws Exception {
    List<InetSocketAddress> all = start(2);
    traffic(all, 1, 2);
    assertEquals(List.of(), f.events(FailoverEvent.AddressEjected.class));
    assertEquals(2, f.resolver.select("pay").addresses().size());
  }

  @Test
  void failingFourInFiveIsEjectedByFailurePercentageEvenWithTwo() throws Exception {
    List<InetSocketAddress> all = start(2, s -> s.values.set(Setting.FAILURE_PERCENTAGE_THRESHOLD, 75));
    traffic(all, 1, 5); // fails 4 of 5, never 5 in a row (the consecutive rule's count)
    List<FailoverEvent.AddressEjected> ejected = f.events(FailoverEvent.AddressEjected.class);
    assertEquals(1, ejected.size(), ejected.toString());
    assertTrue(ejected.get(0).reason().startsWith("failure percentage "), ejected.get(0).reason());
  }
}

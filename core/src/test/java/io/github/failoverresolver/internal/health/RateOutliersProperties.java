package io.github.failoverresolver.internal.health;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Outlier detection by rate, on values: whatever the outcomes, the addresses of a tier ejected by rate never
 * exceed the cap (max-ejection-percent of the tier, but one always allowed), and an address with fewer
 * outcomes than both minimums is never judged. No socket.
 */
class RateOutliersProperties {
  @Property(tries = 5_000)
  void ejectionsByRateNeverExceedTheCap(@ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int endpoints = r.nextInt(1, 5);
    List<List<RateOutliers.Counts>> tier = new ArrayList<>();
    int size = 0;
    for (int e = 0; e < endpoints; e++) {
      List<RateOutliers.Counts> addresses = new ArrayList<>();
      int n = r.nextInt(1, 15);
      for (int i = 0; i < n; i++) {
        long total = r.nextLong(0, 400);
        long failures = r.nextInt(4) == 0 ? r.nextLong(0, total + 1) : r.nextLong(0, total / 20 + 1);
        addresses.add(new RateOutliers.Counts(total - failures, failures));
      }
      tier.add(addresses);
      size += n;
    }
    RateOutliers.Rule rule = new RateOutliers.Rule(r.nextInt(1, 101), r.nextInt(1, 200), 0.5 + r.nextDouble() * 3,
        r.nextInt(2, 8), r.nextInt(1, 200), r.nextInt(0, 101));
    int ejected = 0;
    for (int round = 0; round < 3; round++) { // judged again and again, in any order
      for (List<RateOutliers.Counts> addresses : tier) {
        for (int i = 0; i < addresses.size(); i++) {
          RateOutliers.Counts c = addresses.get(i);
          boolean judged = RateOutliers.outlier(addresses, i, rule, ejected, size).isPresent();
          if (judged) {
            assertTrue(c.total() >= Math.min(rule.failurePercentageMinRequests(), rule.successRateMinRequests()),
                c + " judged with too few outcomes");
            ejected++;
            addresses.set(i, new RateOutliers.Counts(0, 0)); // ejected: no traffic while out
          }
          assertTrue(ejected <= RateOutliers.cap(size, rule.maxEjectionPercent()),
              ejected + " ejected of " + size + " at " + rule.maxEjectionPercent() + " %");
          assertTrue(ejected <= Math.max(1, (size * rule.maxEjectionPercent() + 99) / 100));
        }
      }
    }
  }
}

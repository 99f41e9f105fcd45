package io.github.failoverresolver.internal.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Slow start on the pure policy: over random runs (facts changing, time passing), the share sent to the tier
 * returned to stays within [minShare, 1], never shrinks during one slow start, ends by the end of its window,
 * and the traffic it holds back goes to an eligible target of the tier it came from. No socket.
 */
class SlowStartProperties {
  @Property(tries = 1_000)
  void theRampsShareIsMonotonicBoundedAndEndsInTime(@ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Integer> shape = new java.util.ArrayList<>(PolicyArbitraries.shape(r));
    if (shape.size() == 1) {
      shape.add(1 + r.nextInt(2)); // a backup tier: something to fail over to and back from
    }
    PolicySettings base = PolicyArbitraries.settings(r);
    long window = 1_000 + r.nextLong(20_000);
    double min = 0.05 + r.nextDouble() * 0.9;
    // short failback windows, so that most runs fail back (and ramp) several times
    PolicySettings s = new PolicySettings(base.minEligible(), r.nextLong(2_001), base.dampingFactor(),
        base.maxFailbackStabilityMs(), base.flapWindowMs(), base.panicMode(), base.requireIndependence(),
        base.blockSharedCredentials(), window, min);
    long now = PolicyArbitraries.START;
    ServiceView view = PolicyArbitraries.view(r, shape, now);
    PolicyMemory memory = PolicyMemory.initial();
    double lastShare = 1.0;
    long lastRampStart = -1;
    boolean sawRamp = false;
    for (int step = 0; step < 80; step++) {
      if (r.nextInt(100) < 15) {
        view = PolicyArbitraries.view(r, shape, now);
      }
      Decision d = FailoverPolicy.decide(view, memory, s, now);
      String at = "seed " + seed + " step " + step + ": " + d;
      assertTrue(d.rampShare() > 0 && d.rampShare() <= 1.0, at);
      if (d.rampFrom() >= 0) {
        assertTrue(d.rampShare() >= min - 1e-9 && d.rampShare() < 1.0, at);
        assertNotEquals(d.tier(), d.rampFrom(), at);
        assertTrue(d.targets().stream().anyMatch(c -> c.tier() == d.rampFrom() && !c.addresses().isEmpty()), at);
        long start = d.next().rampStart();
        assertTrue(now - start < window, "a ramp outlived its window: " + at);
        if (start == lastRampStart) {
          assertTrue(d.rampShare() >= lastShare - 1e-9, "the share shrank during one slow start: " + at);
        }
        assertTrue(d.decideAgainAt().isPresent() && d.decideAgainAt().getAsLong() <= start + window, at);
        lastShare = d.rampShare();
        lastRampStart = start;
        sawRamp = true;
      } else {
        assertEquals(1.0, d.rampShare(), at);
      }
      memory = d.next();
      now += r.nextLong(0, window / 3 + 1);
    }
    net.jqwik.api.statistics.Statistics.label("slow start under way").collect(sawRamp);
    // the property must see ramps, not only runs without a failback
    net.jqwik.api.statistics.Statistics.label("slow start under way").coverage(c -> c.check(true)
        .percentage(p -> p > 8));
  }

  @Property(tries = 1_000)
  void theShareGrowsFromTheMinimumToAllOverTheWindow(@ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    long window = 1 + r.nextLong(600_000);
    double min = r.nextDouble() * 0.99 + 0.01;
    PolicySettings s = new PolicySettings(1, 0, 1, 0, 1, false, false, false, window, min);
    double last = 0;
    for (long t = -5; t <= window + 5; t += 1 + r.nextLong(window / 20 + 1)) {
      double share = s.rampShare(t);
      assertTrue(share >= min - 1e-12 && share <= 1.0, t + ": " + share);
      assertTrue(share >= last, t + ": " + share + " < " + last);
      last = share;
    }
    assertEquals(1.0, s.rampShare(window));
    assertEquals(min, s.rampShare(0), 1e-12);
  }
}

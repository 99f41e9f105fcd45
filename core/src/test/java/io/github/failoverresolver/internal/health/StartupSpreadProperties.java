package io.github.failoverresolver.internal.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** The start-up spread rule as properties: the rate holds, primaries come first, small start-ups are not spread. */
class StartupSpreadProperties {

  @Property
  void primariesFirstWithinOneIntervalAtTheRate(@ForAll @IntRange(min = 1, max = 20_000) int endpoints,
      @ForAll @IntRange(min = 0, max = 20_000) int primariesWanted, @ForAll @LongRange(min = 1, max = 600_000) long interval,
      @ForAll @IntRange(min = 1, max = 5_000) int rate, @ForAll long seed) {
    int primaries = Math.min(primariesWanted, endpoints);
    StartupSpread s = StartupSpread.of(endpoints, primaries, interval, rate);
    if (endpoints <= rate) {
      assertEquals(StartupSpread.NONE, s, "one second's worth is not spread");
      return;
    }
    assertTrue(s.spreadMs() <= interval, "never longer than the shortest interval");
    assertTrue(s.spreadMs() == interval || s.spreadMs() == endpoints * 1000L / rate, "the rate, or one interval");
    assertTrue(s.primariesMs() >= 0 && s.primariesMs() <= s.spreadMs());
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < 50; i++) {
      long p = s.firstDelayMs(0, random);
      long b = s.firstDelayMs(1 + i % 3, random);
      assertTrue(p >= 0 && (p < s.primariesMs() || p == 0), "a primary in its share: " + p + " of " + s);
      assertTrue(b >= s.primariesMs() && (b < s.spreadMs() || b == s.primariesMs()),
          "the others after the primaries' share: " + b + " of " + s);
    }
  }

  @Property
  void afterStartUpNothingIsDelayed(@ForAll @IntRange(min = 0, max = 5) int tier, @ForAll long seed) {
    assertEquals(0, StartupSpread.NONE.firstDelayMs(tier, new SplittableRandom(seed)));
  }
}

package io.github.failoverresolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The retry budget against a model: over random runs of requests, retries and time passing, a retry is
 * granted exactly when the window it falls in (the budget's buckets of the last {@code window}) then holds no
 * more retries than its share of that window's requests plus the floor. No socket, no thread.
 */
class RetryBudgetProperties {
  static final class MutableClock extends Clock {
    long millis;

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }

    @Override
    public long millis() {
      return millis;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  @Property(tries = 2_000)
  void retriesNeverExceedTheBudgetAndAreRefusedOnlyWhenItIsUsedUp(@ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double ratio = r.nextInt(0, 101) / 100.0;
    int floor = r.nextInt(0, 6);
    long windowMs = 100L * r.nextInt(1, 101); // 0.1 s .. 10 s, a multiple of the 10 buckets
    MutableClock clock = new MutableClock();
    clock.millis = r.nextLong(0, 1L << 40);
    List<FailoverEvent> events = new ArrayList<>();
    RetryBudget budget = new RetryBudget("s", ratio, floor, Duration.ofMillis(windowMs), clock, events::add);
    List<Long> requests = new ArrayList<>();
    List<Long> retries = new ArrayList<>();
    long bucket = windowMs / 10;
    for (int step = 0; step < 400; step++) {
      int op = r.nextInt(10);
      if (op < 4) {
        budget.request();
        requests.add(clock.millis);
      } else if (op < 8) {
        long now = clock.millis;
        // the window the budget counts: its buckets that started after now - window
        long from = Math.floorDiv(now, bucket) * bucket - (windowMs - bucket);
        long inRequests = requests.stream().filter(t -> t >= from).count();
        long inRetries = retries.stream().filter(t -> t >= from).count();
        long allowed = (long) Math.floor(ratio * inRequests + floor * windowMs / 1000.0);
        boolean granted = budget.tryRetry();
        assertEquals(inRetries + 1 <= allowed, granted, "at " + now + ": " + inRetries + " retries, allowed "
            + allowed + " for " + inRequests + " requests");
        if (granted) {
          retries.add(now);
          // with this one, the window it was granted in holds no more retries than its budget
          assertTrue(retries.stream().filter(t -> t >= from).count() <= allowed);
        }
      } else {
        clock.millis += r.nextLong(0, windowMs / 2 + 1);
      }
    }
    assertEquals(retries.size(), budget.retries());
  }
}

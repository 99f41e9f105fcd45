package io.github.failoverresolver.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The default clock: wall time at start-up, then advanced by {@link System#nanoTime()}, so that TTLs and
 * damping windows are immune to wall-clock steps (NTP, an operator's date change). Thread-safe.
 */
public final class MonotonicClock extends Clock {
  private static final MonotonicClock INSTANCE = new MonotonicClock();

  private final long originMillis = System.currentTimeMillis();
  private final long originNanos = System.nanoTime();

  private MonotonicClock() {}

  public static Clock get() {
    return INSTANCE;
  }

  @Override
  public long millis() {
    return originMillis + (System.nanoTime() - originNanos) / 1_000_000;
  }

  @Override
  public Instant instant() {
    long elapsed = System.nanoTime() - originNanos;
    return Instant.ofEpochMilli(originMillis).plusNanos(elapsed);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("the monotonic clock is UTC only");
  }
}

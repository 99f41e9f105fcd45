package io.github.failoverresolver.internal.health;

import java.util.random.RandomGenerator;

/**
 * When each endpoint's first check runs at start-up: a start-up of more endpoints than one second's
 * {@code startup-check-rate} is spread over at most one (the shortest) interval, the primaries' (tier 0)
 * first checks over the first share of it and the others' over the rest, so that services reach their
 * primaries first at the same overall rate; a smaller start-up is not spread (the bounded pool queues it).
 * A value; {@link #NONE} after start-up.
 *
 * @param spreadMs the whole spread (0: none)
 * @param primariesMs the primaries' share of it, from its start
 */
public record StartupSpread(long spreadMs, long primariesMs) {
  public static final StartupSpread NONE = new StartupSpread(0, 0);

  public static StartupSpread of(long endpoints, long primaries, long shortestIntervalMs, int ratePerSecond) {
    if (endpoints <= ratePerSecond) {
      return NONE;
    }
    long spread = Math.min(shortestIntervalMs, endpoints * 1000 / ratePerSecond);
    return new StartupSpread(spread, Math.max(0, Math.min(spread, spread * primaries / endpoints)));
  }

  /** The delay of the first check of an endpoint of {@code tier}, drawn from {@code random}. */
  public long firstDelayMs(int tier, RandomGenerator random) {
    if (spreadMs <= 0) {
      return 0;
    }
    long from = tier == 0 ? 0 : primariesMs;
    long until = tier == 0 ? primariesMs : spreadMs;
    return from + (until > from ? random.nextLong(until - from) : 0);
  }
}

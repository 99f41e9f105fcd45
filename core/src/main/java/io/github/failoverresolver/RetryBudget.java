package io.github.failoverresolver;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A service's retry budget, shared by every client of the resolver (the OkHttp interceptor asks it before
 * each retry): over a sliding window ({@code retry-budget-window}, 10 s), retries may be at most
 * {@code retry-budget-ratio} of the requests (20 %) plus {@code retry-budget-min-per-second} per second of the
 * window (3/s), so that retries never multiply an outage (Finagle's RetryBudget, Envoy's retry budgets).
 * A refused retry is counted and reported once per window as {@link FailoverEvent.RetryBudgetExhausted}.
 * Thread-safe; each call is a few field updates under a short lock.
 */
public final class RetryBudget {
  private static final int BUCKETS = 10;

  private final String service;
  private final double ratio;
  private final int minPerSecond;
  private final Duration window;
  private final long bucketMillis;
  private final Clock clock;
  private final Consumer<FailoverEvent> events;
  private final long[] requests = new long[BUCKETS];
  private final long[] retries = new long[BUCKETS];
  private final long[] bucketStart = new long[BUCKETS];
  private long totalRequests;
  private long totalRetries;
  private long totalDenied;
  private long lastReportedWindow = Long.MIN_VALUE;

  /** @param events receives {@link FailoverEvent.RetryBudgetExhausted} (never called under the lock) */
  public RetryBudget(String service, double ratio, int minPerSecond, Duration window, Clock clock,
      Consumer<FailoverEvent> events) {
    if (!(ratio >= 0 && ratio <= 1) || minPerSecond < 0 || window.toMillis() < BUCKETS) {
      throw new IllegalArgumentException("retry budget of '" + service + "': ratio=" + ratio + " (0..1), minPerSecond="
          + minPerSecond + " (>= 0), window=" + window + " (>= 10 ms)");
    }
    this.service = Objects.requireNonNull(service, "service");
    this.ratio = ratio;
    this.minPerSecond = minPerSecond;
    this.window = window;
    this.bucketMillis = window.toMillis() / BUCKETS;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.events = Objects.requireNonNull(events, "events");
    java.util.Arrays.fill(bucketStart, Long.MIN_VALUE);
  }

  /** Counts one request (a first attempt), which earns {@code ratio} of a retry. */
  public void request() {
    long now = clock.millis();
    synchronized (this) {
      requests[bucket(now)]++;
      totalRequests++;
    }
  }

  /** Takes one retry from the budget: false (counted, and reported once a window) when it is used up. */
  public boolean tryRetry() {
    long now = clock.millis();
    long windowRequests;
    long windowRetries;
    boolean report = false;
    synchronized (this) {
      int b = bucket(now);
      windowRequests = 0;
      windowRetries = 0;
      for (int i = 0; i < BUCKETS; i++) {
        if (bucketStart[i] > now - window.toMillis()) {
          windowRequests += requests[i];
          windowRetries += retries[i];
        }
      }
      if (windowRetries + 1 <= allowed(windowRequests)) {
        retries[b]++;
        totalRetries++;
        return true;
      }
      totalDenied++;
      long windowIndex = Math.floorDiv(now, window.toMillis());
      if (windowIndex != lastReportedWindow) {
        lastReportedWindow = windowIndex;
        report = true;
      }
    }
    if (report) {
      events.accept(new FailoverEvent.RetryBudgetExhausted(clock.instant(), service, windowRequests, windowRetries,
          window));
    }
    return false;
  }

  /** Retries allowed in one window with {@code requests} requests in it. */
  public long allowed(long requests) {
    return (long) Math.floor(ratio * requests + (double) minPerSecond * window.toMillis() / 1000.0);
  }

  private int bucket(long now) {
    long start = Math.floorDiv(now, bucketMillis) * bucketMillis;
    int i = (int) Math.floorMod(Math.floorDiv(now, bucketMillis), (long) BUCKETS);
    if (bucketStart[i] != start) {
      bucketStart[i] = start;
      requests[i] = 0;
      retries[i] = 0;
    }
    return i;
  }

  /** Requests counted since the resolver was built. */
  public synchronized long requests() {
    return totalRequests;
  }

  /** Retries allowed since the resolver was built. */
  public synchronized long retries() {
    return totalRetries;
  }

  /** Retries refused since the resolver was built. */
  public synchronized long denied() {
    return totalDenied;
  }

  public String service() {
    return service;
  }

  @Override
  public String toString() {
    return "RetryBudget[" + service + ": " + ratio + " of requests + " + minPerSecond + "/s over " + window + "]";
  }
}

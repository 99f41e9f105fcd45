package io.github.failoverresolver;

import java.time.Duration;
import java.util.Objects;

/**
 * Counters of a {@link FailoverResolver} since it was built, read without touching the control loop (cheap
 * enough for every metrics scrape). Immutable.
 *
 * @param probesStarted active checks started
 * @param probesSkipped active checks skipped because the address carried successful traffic (passive-first)
 * @param checksHealthy checks that found their address healthy
 * @param checksUnhealthy checks that found it unhealthy within their timeout
 * @param checksTimedOut checks that ran past their timeout
 * @param checkTime the time all finished checks took, added up
 * @param dns the resolver's DNS cache counters, with queries by provider and result
 */
public record ResolverStats(long probesStarted, long probesSkipped, long checksHealthy, long checksUnhealthy,
    long checksTimedOut, Duration checkTime, DnsStats dns) {
  public ResolverStats {
    Objects.requireNonNull(checkTime, "checkTime");
    Objects.requireNonNull(dns, "dns");
  }

  /** Every finished check. */
  public long checks() {
    return checksHealthy + checksUnhealthy + checksTimedOut;
  }
}

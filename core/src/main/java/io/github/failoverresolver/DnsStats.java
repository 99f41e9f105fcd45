package io.github.failoverresolver;

/**
 * Counters of a {@link DnsCache} since it was built. Immutable snapshot.
 *
 * @param upstreamQueries messages sent to upstream servers (a TCP retry counts again)
 * @param blockingLookups lookups whose caller waited on an upstream (cold or expired entries)
 * @param cacheHits lookups answered fresh from the cache
 * @param staleAnswersServed lookups answered past freshness because no provider answered
 * @param coalescedMisses misses that waited on another caller's query instead of sending their own
 * @param refreshes background refreshes started ahead of expiry
 * @param refreshFailures background refreshes that found no provider answering
 * @param queriesByProvider for each provider (in configured order), its queries by result: {@code answer},
 *     {@code nxdomain}, {@code hosts} (its hosts file answered), {@code servfail}, {@code refused},
 *     {@code other-rcode}, {@code unauthenticated} (AD clear where DNSSEC is required), {@code failed} (timed
 *     out, unreachable or unusable); every result present, zero included
 */
public record DnsStats(
    long upstreamQueries,
    long blockingLookups,
    long cacheHits,
    long staleAnswersServed,
    long coalescedMisses,
    long refreshes,
    long refreshFailures,
    java.util.Map<String, java.util.Map<String, Long>> queriesByProvider) {
  public DnsStats {
    java.util.Objects.requireNonNull(queriesByProvider, "queriesByProvider"); // immutable, in provider order
  }
}

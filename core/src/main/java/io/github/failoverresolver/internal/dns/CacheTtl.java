package io.github.failoverresolver.internal.dns;

import io.github.failoverresolver.DnsAnswer;
import io.github.failoverresolver.DnsSettings;
import java.time.Duration;

/** How long an answer is cached: a pure function of the answer and the settings. Stateless. */
final class CacheTtl {
  private CacheTtl() {}

  /**
   * A positive answer: its smallest TTL clamped to [minTtl, maxTtl]. A negative one (NXDOMAIN, NODATA): the SOA's
   * negative TTL clamped to [min(minTtl, maxNegativeTtl), maxNegativeTtl] (RFC 2308), and not at all without an SOA.
   */
  static Duration of(NameResolution.Resolved r, DnsSettings settings) {
    Duration raw = Duration.ofSeconds(Math.max(0, r.ttlSeconds()));
    if (r.status() != DnsAnswer.Status.NOERROR) {
      if (r.ttlSeconds() < 0) {
        return Duration.ZERO; // no SOA: not cached (RFC 2308)
      }
      // an SOA TTL or minimum of 0 still gets the floor, so an IPv4-only name is not asked AAAA on every call
      Duration floor = settings.minTtl().compareTo(settings.maxNegativeTtl()) < 0 ? settings.minTtl()
          : settings.maxNegativeTtl();
      Duration atLeast = raw.compareTo(floor) < 0 ? floor : raw;
      return atLeast.compareTo(settings.maxNegativeTtl()) > 0 ? settings.maxNegativeTtl() : atLeast;
    }
    if (raw.compareTo(settings.minTtl()) < 0) {
      return settings.minTtl();
    }
    return raw.compareTo(settings.maxTtl()) > 0 ? settings.maxTtl() : raw;
  }
}

package io.github.failoverresolver.internal.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.failoverresolver.DnsAnswer;
import io.github.failoverresolver.DnsSettings;
import io.github.failoverresolver.Upstreams;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** How long an answer is cached, as a function of values: always inside the configured bounds. */
class CacheTtlProperties {

  static DnsSettings settings(int minTtl, int maxTtl, int maxNegative) {
    return DnsSettings.builder().provider("none", Upstreams.of("127.0.0.1:9"))
        .minTtl(Duration.ofSeconds(minTtl)).maxTtl(Duration.ofSeconds(Math.max(minTtl, maxTtl)))
        .maxNegativeTtl(Duration.ofSeconds(maxNegative)).build();
  }

  static NameResolution.Resolved answer(DnsAnswer.Status status, long ttl) {
    return new NameResolution.Resolved(status, List.of(), List.of(), List.of(), List.of(), "test", ttl);
  }

  @Property
  void aPositiveAnswerIsCachedForItsTtlClampedToMinAndMax(@ForAll @LongRange(min = 0, max = 1_000_000) long ttl,
      @ForAll @IntRange(min = 0, max = 600) int minTtl, @ForAll @IntRange(min = 0, max = 3600) int maxTtl,
      @ForAll @IntRange(min = 0, max = 3600) int maxNegative) {
    DnsSettings s = settings(minTtl, maxTtl, maxNegative);
    Duration d = CacheTtl.of(answer(DnsAnswer.Status.NOERROR, ttl), s);
    assertTrue(d.compareTo(s.minTtl()) >= 0 && d.compareTo(s.maxTtl()) <= 0, d + " outside " + s);
    if (ttl >= s.minTtl().toSeconds() && ttl <= s.maxTtl().toSeconds()) {
      assertEquals(Duration.ofSeconds(ttl), d, "a TTL inside the bounds is kept");
    }
  }

  @Property
  void aNegativeAnswerIsCachedWithinItsBoundAndNotAtAllWithoutAnSoa(
      @ForAll @LongRange(min = -1, max = 1_000_000) long soaTtl, @ForAll @IntRange(min = 0, max = 600) int minTtl,
      @ForAll @IntRange(min = 0, max = 3600) int maxNegative, @ForAll boolean nxdomain) {
    DnsSettings s = settings(minTtl, 3600, maxNegative);
    Duration d = CacheTtl.of(answer(nxdomain ? DnsAnswer.Status.NXDOMAIN : DnsAnswer.Status.NODATA, soaTtl), s);
    if (soaTtl < 0) {
      assertEquals(Duration.ZERO, d, "no SOA: not cached (RFC 2308)");
    } else {
      assertTrue(d.compareTo(s.maxNegativeTtl()) <= 0, d + " above maxNegativeTtl " + s);
      assertTrue(d.compareTo(s.minTtl().compareTo(s.maxNegativeTtl()) < 0 ? s.minTtl() : s.maxNegativeTtl()) >= 0,
          d + " below the floor " + s);
    }
  }
}

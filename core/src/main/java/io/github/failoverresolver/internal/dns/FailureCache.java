package io.github.failoverresolver.internal.dns;

import io.github.failoverresolver.DnsLookupException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed lookups, cached (RFC 9520): a name that failed fails again at once, with no query, for 1 s,
 * doubling with each failure in a row up to a cap. Thread-safe.
 *
 * @param <K> the cache key (name and type)
 */
final class FailureCache<K> {
  private record Failure(DnsLookupException cause, long until, int inARow) {}

  private final Map<K, Failure> failures = new ConcurrentHashMap<>();

  /** The error to throw now, if {@code key} failed recently; empty when it may be asked again. */
  Optional<DnsLookupException> recent(K key, long now) {
    Failure f = failures.get(key);
    if (f == null || now >= f.until()) {
      return Optional.empty();
    }
    DnsLookupException cause = f.cause();
    return Optional.of(new DnsLookupException(cause.host(), "failed " + f.inARow() + " time(s) in a row; not asked"
        + " again until " + Instant.ofEpochMilli(f.until()), cause.attempts()));
  }

  /** Whether {@code key} is in its back-off now. */
  boolean backingOff(K key, long now) {
    Failure f = failures.get(key);
    return f != null && now < f.until();
  }

  void failed(K key, DnsLookupException cause, long now, long capMillis) {
    failures.compute(key, (k, before) -> {
      int n = before == null ? 1 : before.inARow() + 1;
      long backoff = Math.min(1_000L << Math.min(n - 1, 20), Math.max(1_000, capMillis));
      return new Failure(cause, now + backoff, n);
    });
  }

  void succeeded(K key) {
    failures.remove(key);
  }
}

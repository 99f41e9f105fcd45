package io.github.failoverresolver.internal.trust;

import io.github.failoverresolver.ResolverSnapshot.TrustStatus;
import java.time.Instant;
import java.util.Optional;

/**
 * The outcome of one trust check (a TLS certificate or a credential). Immutable.
 *
 * @param expiresAt the certificate's notAfter or the credential's expiry, when known
 */
public record Verdict(TrustStatus status, String reason, Optional<Instant> expiresAt) {

  public static Verdict unknown(String reason) {
    return new Verdict(TrustStatus.UNKNOWN, reason, Optional.empty());
  }

  public static Verdict trusted(String reason) {
    return new Verdict(TrustStatus.TRUSTED, reason, Optional.empty());
  }

  public static Verdict blocked(String reason) {
    return new Verdict(TrustStatus.BLOCKED, reason, Optional.empty());
  }

  /** Judges an expiry against the horizons: blocked, warned or trusted. */
  static Verdict byExpiry(String what, Instant expiresAt, Instant now, java.time.Duration warnWithin,
      java.time.Duration blockWithin, String okReason) {
    java.time.Duration left = java.time.Duration.between(now, expiresAt);
    if (left.isNegative() || left.isZero()) {
      return new Verdict(TrustStatus.BLOCKED, what + " expired at " + expiresAt, Optional.of(expiresAt));
    }
    if (left.compareTo(blockWithin) <= 0) {
      return new Verdict(TrustStatus.BLOCKED, what + " expires at " + expiresAt + ", within the " + blockWithin
          + " block horizon", Optional.of(expiresAt));
    }
    if (left.compareTo(warnWithin) <= 0) {
      return new Verdict(TrustStatus.WARN, what + " expires in " + left.toDays() + " days (" + expiresAt + ")",
          Optional.of(expiresAt));
    }
    return new Verdict(TrustStatus.TRUSTED, okReason, Optional.of(expiresAt));
  }
}

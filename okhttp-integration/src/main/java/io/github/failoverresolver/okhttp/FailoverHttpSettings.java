package io.github.failoverresolver.okhttp;

import java.util.Objects;
import java.util.Set;

/**
 * How the OkHttp integration attaches credentials and which failures it retries and reports. Immutable.
 *
 * @param credentialHeader the header that carries the endpoint's credential (default {@code Authorization})
 * @param credentialScheme the prefix before the secret (default {@code Bearer}; empty for a bare API key)
 * @param retryableStatuses statuses reported as failures and retried once on the next target for
 *     idempotent requests (default 502, 503, 504: a dying backend or its gateway)
 * @param retryNonIdempotent also retry POST and PATCH after a connect failure, and let them move on after
 *     the hedge delay (default false)
 * @param hedgeDelay how long a new connection to the selected target may take before the request moves on
 *     to the next eligible target (default 250 ms, RFC 8305's connection attempt delay; zero turns it off).
 *     A connect that slow counts as a connect failure and ejects the address, so that later requests go
 *     straight to the next target: a blackholed primary costs one request this delay, not a connect
 *     timeout per request. Set it above the slowest connect you expect to a healthy endpoint.
 */
public record FailoverHttpSettings(String credentialHeader, String credentialScheme, Set<Integer> retryableStatuses,
    boolean retryNonIdempotent, java.time.Duration hedgeDelay) {

  public FailoverHttpSettings {
    Objects.requireNonNull(credentialHeader, "credentialHeader");
    Objects.requireNonNull(credentialScheme, "credentialScheme");
    retryableStatuses = Set.copyOf(retryableStatuses);
    for (int s : retryableStatuses) {
      if (s < 100 || s > 599) {
        throw new IllegalArgumentException("retryableStatuses: " + s + " is not an HTTP status");
      }
    }
    if (credentialHeader.isBlank()) {
      throw new IllegalArgumentException("credentialHeader: blank");
    }
    Objects.requireNonNull(hedgeDelay, "hedgeDelay");
    if (hedgeDelay.isNegative() || hedgeDelay.compareTo(java.time.Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException("hedgeDelay: " + hedgeDelay + " is not between 0 and 1 minute");
    }
  }

  public static FailoverHttpSettings defaults() {
    return new FailoverHttpSettings("Authorization", "Bearer", Set.of(502, 503, 504), false,
        java.time.Duration.ofMillis(250));
  }

  public FailoverHttpSettings withCredentialHeader(String header, String scheme) {
    return new FailoverHttpSettings(header, scheme, retryableStatuses, retryNonIdempotent, hedgeDelay);
  }

  public FailoverHttpSettings withRetryableStatuses(Set<Integer> statuses) {
    return new FailoverHttpSettings(credentialHeader, credentialScheme, statuses, retryNonIdempotent, hedgeDelay);
  }

  public FailoverHttpSettings withRetryNonIdempotent(boolean retry) {
    return new FailoverHttpSettings(credentialHeader, credentialScheme, retryableStatuses, retry, hedgeDelay);
  }

  /** {@link #hedgeDelay}; zero turns hedging off. */
  public FailoverHttpSettings withHedgeDelay(java.time.Duration delay) {
    return new FailoverHttpSettings(credentialHeader, credentialScheme, retryableStatuses, retryNonIdempotent, delay);
  }
}

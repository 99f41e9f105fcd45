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
 * @param retryNonIdempotent also retry POST and PATCH after a connect failure (default false)
 */
public record FailoverHttpSettings(String credentialHeader, String credentialScheme, Set<Integer> retryableStatuses,
    boolean retryNonIdempotent) {

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
  }

  public static FailoverHttpSettings defaults() {
    return new FailoverHttpSettings("Authorization", "Bearer", Set.of(502, 503, 504), false);
  }

  public FailoverHttpSettings withCredentialHeader(String header, String scheme) {
    return new FailoverHttpSettings(header, scheme, retryableStatuses, retryNonIdempotent);
  }

  public FailoverHttpSettings withRetryableStatuses(Set<Integer> statuses) {
    return new FailoverHttpSettings(credentialHeader, credentialScheme, statuses, retryNonIdempotent);
  }

  public FailoverHttpSettings withRetryNonIdempotent(boolean retry) {
    return new FailoverHttpSettings(credentialHeader, credentialScheme, retryableStatuses, retry);
  }
}

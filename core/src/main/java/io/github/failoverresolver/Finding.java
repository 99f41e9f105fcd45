package io.github.failoverresolver;

import java.util.Objects;

/**
 * One result of comparing a backup endpoint with the primary for shared fault domains (independence
 * report). Immutable.
 *
 * @param kind a stable keyword: {@code same-address}, {@code same-network}, {@code same-name-servers},
 *     {@code same-dns-provider}, {@code same-ca}, {@code same-certificate}, {@code same-credential}; and, from the
 *     readiness report's TTL audit, {@code long-ttl}, and from access checks, {@code accepts-unauthenticated} (both
 *     about the endpoint itself: both endpoint fields name it)
 * @param sentence what it means, in plain words
 */
public record Finding(String service, String primaryEndpoint, String backupEndpoint, int backupTier,
    Severity severity, String kind, String sentence) {

  /** How much a finding undermines the backup. */
  public enum Severity {
    INFO,
    WARNING,
    CRITICAL
  }

  public Finding {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(sentence, "sentence");
  }

  @Override
  public String toString() {
    return severity + " " + kind + ": " + sentence;
  }
}

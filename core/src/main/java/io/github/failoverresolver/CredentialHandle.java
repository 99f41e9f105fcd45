package io.github.failoverresolver;

import java.util.Objects;

/**
 * The credential of the endpoint a {@link Target} points at, for the integrations to attach to requests.
 * Its {@code toString()} shows only the id and a fingerprint prefix. Immutable.
 *
 * @param id the credential's id (a variable or file name, never the value)
 * @param fingerprint a keyed fingerprint (HMAC-SHA-256 under a key of this resolver), 8 hex digits
 */
public record CredentialHandle(String id, String fingerprint, Secret secret) {
  public CredentialHandle {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(secret, "secret");
  }

  @Override
  public String toString() {
    return "credential[" + id + " fp=" + fingerprint + "]";
  }
}

package io.github.failoverresolver;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A credential as a {@link CredentialSource} loaded it: an id to name it by (never the value), the secret,
 * and optionally when it expires and when it was issued (for the max-age check). Immutable; its
 * {@code toString()} never shows the secret.
 */
public record Credential(String id, Secret secret, Optional<Instant> expiresAt, Optional<Instant> issuedAt) {
  public Credential {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(issuedAt, "issuedAt");
  }

  public static Credential of(String id, String secret) {
    return new Credential(id, Secret.of(secret), Optional.empty(), Optional.empty());
  }

  public Credential expiringAt(Instant at) {
    return new Credential(id, secret, Optional.of(at), issuedAt);
  }

  public Credential issuedAt(Instant at) {
    return new Credential(id, secret, expiresAt, Optional.of(at));
  }
}

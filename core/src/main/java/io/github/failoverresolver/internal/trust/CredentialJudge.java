package io.github.failoverresolver.internal.trust;

import io.github.failoverresolver.ResolverSnapshot.TrustStatus;
import io.github.failoverresolver.Credential;
import io.github.failoverresolver.CredentialHandle;
import io.github.failoverresolver.CredentialSource;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Loads and judges credentials: present, not expiring within the horizon, not older than the max age.
 * Fingerprints are HMAC-SHA-256 under a key made per resolver, so they can be compared across endpoints
 * (and shown as a prefix) without the value ever being kept for comparison or logged. Thread-safe.
 */
public final class CredentialJudge {

  /** A verdict, and the handle to attach when trusted. {@code fingerprint} is the full keyed digest. */
  public record Judged(Verdict verdict, Optional<CredentialHandle> handle, Optional<String> fingerprint) {}

  private final byte[] key = new byte[32];

  public CredentialJudge() {
    new SecureRandom().nextBytes(key);
  }

  public Judged judge(CredentialSource source, Instant now, Duration warnWithin, Duration blockWithin,
      Optional<Duration> maxAge) {
    CredentialSource.Result loaded;
    try {
      loaded = source.load();
    } catch (Exception | Error e) {
      // the message of a user's exception could carry the secret: name the type only
      return new Judged(Verdict.blocked("credential source " + source + " threw " + e.getClass().getName()),
          Optional.empty(), Optional.empty());
    }
    if (loaded == null || loaded.credential().isEmpty()) {
      return new Judged(Verdict.blocked("credential missing: " + (loaded == null ? "no result" : loaded.reason())),
          Optional.empty(), Optional.empty());
    }
    Credential c = loaded.credential().get();
    if (c.secret().isBlank()) {
      return new Judged(Verdict.blocked("credential " + c.id() + " is blank"), Optional.empty(), Optional.empty());
    }
    String fingerprint = fingerprint(c.secret().reveal());
    CredentialHandle handle = new CredentialHandle(c.id(), fingerprint.substring(0, 8), c.secret());
    if (maxAge.isPresent() && c.issuedAt().isPresent()
        && Duration.between(c.issuedAt().get(), now).compareTo(maxAge.get()) > 0) {
      return new Judged(Verdict.blocked("credential " + c.id() + " was issued at " + c.issuedAt().get()
          + ", more than the max age " + maxAge.get() + " ago"), Optional.of(handle), Optional.of(fingerprint));
    }
    Verdict v = c.expiresAt().isPresent()
        ? Verdict.byExpiry("credential " + c.id(), c.expiresAt().get(), now, warnWithin, blockWithin,
            "credential " + c.id() + " present, expires at " + c.expiresAt().get())
        : new Verdict(TrustStatus.TRUSTED, "credential " + c.id() + " present", Optional.empty());
    return new Judged(v, Optional.of(handle), Optional.of(fingerprint));
  }

  String fingerprint(String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}

package io.github.failoverresolver;

import java.util.Objects;

/**
 * A secret value (token, API key, password). Its {@link #toString()} never shows the value, so a secret
 * can travel through events, logs and exceptions without leaking; only {@link #reveal()} gives it out,
 * for the one place that sends it. Immutable, thread-safe. There is deliberately no {@code equals}: compare
 * credentials by fingerprint.
 */
public final class Secret {
  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  public static Secret of(String value) {
    Objects.requireNonNull(value, "secret value");
    return new Secret(value);
  }

  /** The plain value: only for putting it on the wire. */
  public String reveal() {
    return value;
  }

  public boolean isBlank() {
    return value.isBlank();
  }

  @Override
  public String toString() {
    return "Secret[redacted]";
  }
}

package io.github.failoverresolver.internal;

import java.time.Duration;

/** Checks for builder values; each error names the setting and the bad value. */
public final class Settings {
  private Settings() {}

  public static void positive(String key, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(key + "=" + d + ": must be a positive duration");
    }
  }

  public static void notNegative(String key, Duration d) {
    if (d == null || d.isNegative()) {
      throw new IllegalArgumentException(key + "=" + d + ": must not be negative");
    }
  }

  public static void atLeast(String key, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(key + "=" + value + ": must be at least " + min);
    }
  }
}

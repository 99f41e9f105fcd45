package io.github.failoverresolver;

/** For other modules' tests of the settings table (the Spring Boot starter): values from {@link SettingsTableTest}. */
public final class SettingSamples {
  private SettingSamples() {}

  /** A valid value other than the default. */
  public static <T> T other(Setting<T> s) {
    return SettingsTableTest.other(s);
  }

  /** A value in the file form that the setting must refuse (or that does not parse). */
  public static String bad(Setting<?> s) {
    return SettingsTableTest.bad(s);
  }
}

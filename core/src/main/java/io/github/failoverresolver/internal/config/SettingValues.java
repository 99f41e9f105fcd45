package io.github.failoverresolver.internal.config;

import io.github.failoverresolver.Setting;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The values a builder was given, by {@link Setting}; anything not given reads as the setting's default.
 * Not thread-safe while a builder fills it; treated as immutable once {@link #frozen()}.
 */
public final class SettingValues {
  private final Setting.Scope scope;
  private final Map<Setting<?>, Object> given;

  public SettingValues(Setting.Scope scope) {
    this(scope, new LinkedHashMap<>());
  }

  private SettingValues(Setting.Scope scope, Map<Setting<?>, Object> given) {
    this.scope = scope;
    this.given = given;
  }

  public <T> void set(Setting<T> setting, T value) {
    if (setting.scope() != scope) {
      throw new IllegalArgumentException(setting + " is not a setting of " + scope.section());
    }
    given.put(setting, value);
  }

  public <T> T get(Setting<T> setting) {
    Object v = given.get(setting);
    return v == null && !given.containsKey(setting) ? setting.defaultValue() : setting.cast(v);
  }

  /** Whether {@code setting} was given (rather than left at its default). */
  public boolean given(Setting<?> setting) {
    return given.containsKey(setting);
  }

  /** An immutable copy. */
  public SettingValues frozen() {
    return new SettingValues(scope, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(given)));
  }

  /**
   * Checks every value of this scope against its rule, then the pairs that may not be inverted.
   *
   * @param prefix how errors name the holder ({@code "dns"}, {@code "service[payments]"}); errors read
   *     {@code prefix.name=value: rule}
   * @throws SettingException for the first bad value
   */
  public void validate(String prefix) {
    for (Setting<?> s : Setting.all()) {
      if (s.scope() == scope) {
        check(prefix, s);
      }
    }
    for (List<Setting<?>> pair : Setting.notAbove()) {
      if (pair.get(0).scope() == scope) {
        checkOrder(prefix, pair.get(0), pair.get(1));
      }
    }
  }

  /** Checks one value (not the pairs); for values that live elsewhere, such as TLS horizons. */
  public static <T> void check(String prefix, Setting<T> s, T value) {
    Optional<String> problem = s.problem(value);
    if (problem.isPresent()) {
      throw new SettingException(prefix, Optional.of(s), String.valueOf(value),
          prefix + "." + s.name() + "=" + value + ": " + problem.get(), "'" + formatted(s, value) + "' " + problem.get());
    }
  }

  private static <T> String formatted(Setting<T> s, Object value) {
    return value == null ? "null" : s.format(s.cast(value));
  }

  private <T> void check(String prefix, Setting<T> s) {
    check(prefix, s, get(s));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void checkOrder(String prefix, Setting<?> lower, Setting<?> upper) {
    Comparable low = (Comparable) get(lower);
    Comparable high = (Comparable) get(upper);
    if (low.compareTo(high) > 0) {
      // name the one the user set (both given: the lower bound), so a file error points at its line
      Setting<?> blamed = given(lower) ? lower : upper;
      String message = blamed == upper
          ? prefix + "." + upper.name() + "=" + high + " is less than " + prefix + "." + lower.name() + "=" + low
          : prefix + "." + lower.name() + "=" + low + " is greater than " + prefix + "." + upper.name() + "=" + high;
      String file = blamed == upper
          ? "'" + formatted(upper, get(upper)) + "' is less than " + lower.key() + " = " + formatted(lower, get(lower))
          : "'" + formatted(lower, get(lower)) + "' is greater than " + upper.key() + " = " + formatted(upper, get(upper));
      throw new SettingException(prefix, Optional.of(blamed), String.valueOf(get(blamed)), message, file);
    }
  }
}

package io.github.failoverresolver.internal.config;

import io.github.failoverresolver.Setting;
import java.util.Optional;

/**
 * A bad value (or a bad combination) found while building, naming where it belongs, so that a
 * configuration file's loader can point at the file, line and key it came from. Immutable.
 *
 * @see io.github.failoverresolver.ResolverConfig
 */
public final class SettingException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final String holder;
  private final transient Optional<Setting<?>> setting;
  private final String value;
  private final String fileReason;

  /**
   * @param holder how the builder names the holder: {@code "dns"}, {@code "service[pay]"},
   *     {@code "service[pay].tier[0].endpoint[host:443]"}
   * @param setting the setting at fault, or empty for a structural problem of the holder itself
   * @param value the bad value as text (empty for structural problems)
   */
  public SettingException(String holder, Optional<Setting<?>> setting, String value, String message) {
    this(holder, setting, value, message, message);
  }

  /** @param fileReason the problem in a configuration file's terms (its keys and value forms) */
  public SettingException(String holder, Optional<Setting<?>> setting, String value, String message,
      String fileReason) {
    super(message);
    this.holder = holder;
    this.setting = setting;
    this.value = value;
    this.fileReason = fileReason;
  }

  public String fileReason() {
    return fileReason;
  }

  public String holder() {
    return holder;
  }

  public Optional<Setting<?>> setting() {
    return setting;
  }

  public String value() {
    return value;
  }
}

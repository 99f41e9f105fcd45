package io.github.failoverresolver.internal.engine;

import io.github.failoverresolver.Setting;
import io.github.failoverresolver.internal.config.SettingValues;
import io.github.failoverresolver.internal.policy.PolicySettings;
import java.time.Duration;
import java.util.List;

/** One service as built and validated: endpoints sorted by tier, and its settings. Immutable. */
public record ServiceConfig(String name, List<EndpointConfig> endpoints, SettingValues settings) {

  public ServiceConfig {
    endpoints = List.copyOf(endpoints);
  }

  /** The policy's settings as plain values. */
  public PolicySettings policy() {
    return new PolicySettings(settings.get(Setting.MIN_ELIGIBLE), settings.get(Setting.FAILBACK_STABILITY).toMillis(),
        settings.get(Setting.DAMPING_FACTOR), settings.get(Setting.MAX_FAILBACK_STABILITY).toMillis(),
        settings.get(Setting.FLAP_WINDOW).toMillis(), settings.get(Setting.PANIC_MODE),
        settings.get(Setting.REQUIRE_INDEPENDENCE), settings.get(Setting.BLOCK_SHARED_CREDENTIALS),
        settings.get(Setting.SLOW_START_WINDOW).toMillis(), settings.get(Setting.SLOW_START_MIN_SHARE));
  }

  public <T> T get(Setting<T> setting) {
    return settings.get(setting);
  }

  public Duration trustInterval() {
    return settings.get(Setting.TRUST_INTERVAL);
  }

  public boolean blockSharedCredentials() {
    return settings.get(Setting.BLOCK_SHARED_CREDENTIALS);
  }
}

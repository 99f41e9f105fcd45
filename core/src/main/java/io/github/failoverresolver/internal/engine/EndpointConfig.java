package io.github.failoverresolver.internal.engine;

import io.github.failoverresolver.CredentialSource;
import io.github.failoverresolver.HealthCheck;
import io.github.failoverresolver.Setting;
import io.github.failoverresolver.TlsTrust;
import io.github.failoverresolver.internal.config.SettingValues;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;

/**
 * One endpoint as built and validated. Immutable.
 *
 * @param name {@code host:port} as the user knows it (IPv6 in brackets)
 * @param literal the address, when the host is an IP literal (no DNS)
 * @param tls the certificate judgement, with the horizons of its settings
 * @param accessCheck a probe that must find access enforced (run with the trust rounds; never sends the credential)
 * @param srv the SRV owner name this endpoint stands for ({@link #srvTemplate}: {@code name} is {@code srv:NAME}
 *     and {@code port} 0) or was made from (one of its targets)
 */
public record EndpointConfig(String name, int tier, String host, int port, Optional<InetAddress> literal,
    Optional<HealthCheck> check, Optional<TlsTrust> tls, Optional<CredentialSource> credential,
    SettingValues settings, Optional<HealthCheck> accessCheck, Optional<io.github.failoverresolver.SessionLogin> sessionLogin, Optional<String> srv) {

  /** Whether this stands for an SRV record set: its targets become endpoints at run time. */
  public boolean srvTemplate() {
    return srv.isPresent() && port == 0;
  }

  /** The endpoint an SRV target of this template is: its host and port, the template's checks and settings. */
  public EndpointConfig srvTarget(String targetHost, int targetPort, Optional<InetAddress> targetLiteral) {
    return new EndpointConfig(io.github.failoverresolver.internal.HostPort.join(targetHost, targetPort), tier, targetHost,
        targetPort, targetLiteral, check, tls, credential, settings, accessCheck, sessionLogin, srv);
  }

  /** The value in force of an endpoint setting (the TLS horizons are the trust object's). */
  public <T> T get(Setting<T> setting) {
    if (setting == Setting.TLS_WARN_WITHIN && tls.isPresent()) {
      return setting.cast(tls.get().warnWithin());
    }
    if (setting == Setting.TLS_BLOCK_WITHIN && tls.isPresent()) {
      return setting.cast(tls.get().blockWithin());
    }
    return settings.get(setting);
  }

  public Duration interval() {
    return settings.get(Setting.INTERVAL);
  }

  public Duration timeout() {
    return settings.get(Setting.TIMEOUT);
  }

  public double jitter() {
    return settings.get(Setting.JITTER);
  }

  public int healthyThreshold() {
    return settings.get(Setting.HEALTHY_THRESHOLD);
  }

  public int unhealthyThreshold() {
    return settings.get(Setting.UNHEALTHY_THRESHOLD);
  }

  public Duration credentialWarnWithin() {
    return settings.get(Setting.CREDENTIAL_WARN_WITHIN);
  }

  public Duration credentialBlockWithin() {
    return settings.get(Setting.CREDENTIAL_BLOCK_WITHIN);
  }

  /** Empty when there is no limit (the setting is zero). */
  public Optional<Duration> credentialMaxAge() {
    Duration d = settings.get(Setting.CREDENTIAL_MAX_AGE);
    return d.isZero() ? Optional.empty() : Optional.of(d);
  }
}

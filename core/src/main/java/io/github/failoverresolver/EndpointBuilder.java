package io.github.failoverresolver;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import io.github.failoverresolver.internal.config.SettingValues;

/**
 * Settings of one endpoint, given to the lambda of {@link ServiceBuilder#tier}. Not thread-safe; values
 * are validated when the resolver is built.
 *
 * <p>Defaults: no active check (the endpoint's addresses are trusted to be up until passive outcomes say
 * otherwise); with a check, {@code interval} 5 s (Envoy's common setting), {@code timeout} 1 s,
 * {@code jitter} 0.1 of the interval (Envoy's {@code interval_jitter_percent} idea), {@code unhealthyThreshold}
 * 1 (go down on the first failed check: failing over is cheap, serving errors is not) and
 * {@code healthyThreshold} 2 (come back only after two passes; Envoy's usual value). At start-up the first
 * passing check makes an address healthy, as in Envoy.
 */
public final class EndpointBuilder {
  Optional<HealthCheck> check = Optional.empty();
  Optional<HealthCheck> accessCheck = Optional.empty();
  Optional<SessionLogin> sessionLogin = Optional.empty();
  Optional<TlsTrust> tls = Optional.empty();
  Optional<CredentialSource> credential = Optional.empty();
  final SettingValues values = new SettingValues(Setting.Scope.ENDPOINT);

  EndpointBuilder() {}

  /**
   * Judge the certificate each address presents (chain, name, expiry horizon); an address whose
   * certificate fails is not eligible, even in panic mode.
   */
  public EndpointBuilder tls(TlsTrust trust) {
    this.tls = Optional.of(Objects.requireNonNull(trust, "tls"));
    return this;
  }

  /**
   * The endpoint's own secret (token, API key): it must be present, unexpired and not shared with another
   * tier's endpoint for the endpoint to be eligible; the integrations attach it to requests sent here.
   */
  public EndpointBuilder credential(CredentialSource source) {
    this.credential = Optional.of(Objects.requireNonNull(source, "credential"));
    return this;
  }

  /** A credential expiring within this raises an event (default 10 min: tokens are often short-lived). */
  public EndpointBuilder credentialWarnWithin(Duration d) {
    values.set(Setting.CREDENTIAL_WARN_WITHIN, d);
    return this;
  }

  /** A credential expiring within this is blocked (default 30 s: too late to start using it). */
  public EndpointBuilder credentialBlockWithin(Duration d) {
    values.set(Setting.CREDENTIAL_BLOCK_WITHIN, d);
    return this;
  }

  /** A credential issued (a file written) longer ago than this is blocked as stale (zero: no limit, the default). */
  public EndpointBuilder credentialMaxAge(Duration d) {
    values.set(Setting.CREDENTIAL_MAX_AGE, d);
    return this;
  }

  /** The active check for this endpoint's addresses. */
  public EndpointBuilder check(HealthCheck check) {
    this.check = Optional.of(Objects.requireNonNull(check, "check"));
    return this;
  }

  /**
   * Requires that the endpoint enforce access: {@code probe} (usually
   * {@code HealthChecks.https("/api").refusesUnauthenticated()}) runs with every trust round against each
   * address, and an endpoint whose probe fails ("accepts unauthenticated requests") is untrusted: never
   * eligible, not even in panic, and a critical finding in the readiness report. The probe never carries the
   * endpoint's credential.
   */
  public EndpointBuilder accessCheck(HealthCheck probe) {
    this.accessCheck = Optional.of(Objects.requireNonNull(probe, "probe"));
    return this;
  }

  /**
   * The endpoint's credential is a session obtained from it ({@link SessionLogin}): the integrations attach it
   * instead of a {@link #credential} one, never one obtained from another endpoint, and log in anew after
   * every cutover onto this endpoint ({@link FailoverEvent.CutoverReauthenticated}) and when it expires.
   */
  public EndpointBuilder sessionLogin(SessionLogin login) {
    this.sessionLogin = Optional.of(Objects.requireNonNull(login, "login"));
    return this;
  }

  public EndpointBuilder interval(Duration interval) {
    values.set(Setting.INTERVAL, interval);
    return this;
  }

  /** How long one check may take; a check still running then counts as failed. */
  public EndpointBuilder timeout(Duration timeout) {
    values.set(Setting.TIMEOUT, timeout);
    return this;
  }

  /** Up to this fraction of the interval is added at random to each wait, so checks do not align. */
  public EndpointBuilder jitter(double fraction) {
    values.set(Setting.JITTER, fraction);
    return this;
  }

  /**
   * Whether an address that carried successful traffic (reported outcomes) within its interval skips its
   * active probe (default on): clients that already send traffic do not also probe.
   */
  public EndpointBuilder passiveFirst(boolean on) {
    values.set(Setting.PASSIVE_FIRST, on);
    return this;
  }

  /** Consecutive passing checks that bring an unhealthy address back. */
  public EndpointBuilder healthyThreshold(int n) {
    values.set(Setting.HEALTHY_THRESHOLD, n);
    return this;
  }

  /** Consecutive failing checks that take a healthy address down. */
  public EndpointBuilder unhealthyThreshold(int n) {
    values.set(Setting.UNHEALTHY_THRESHOLD, n);
    return this;
  }
}

package io.github.failoverresolver.internal.engine;

import io.github.failoverresolver.CredentialSource;
import io.github.failoverresolver.HealthCheck;
import io.github.failoverresolver.TlsTrust;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;

/** One endpoint as built and validated. Immutable. */
public record EndpointConfig(
    String name,
    int tier,
    String host,
    int port,
    Optional<InetAddress> literal,
    Optional<HealthCheck> check,
    Duration interval,
    Duration timeout,
    double jitter,
    int healthyThreshold,
    int unhealthyThreshold,
    Optional<TlsTrust> tls,
    Optional<CredentialSource> credential,
    Duration credentialWarnWithin,
    Duration credentialBlockWithin,
    Optional<Duration> credentialMaxAge) {}

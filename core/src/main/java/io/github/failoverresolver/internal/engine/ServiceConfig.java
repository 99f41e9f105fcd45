package io.github.failoverresolver.internal.engine;

import java.time.Duration;
import java.util.List;

/** One service as built and validated: endpoints sorted by tier, and its policy. Immutable. */
public record ServiceConfig(
    String name,
    List<EndpointConfig> endpoints,
    int minEligible,
    Duration failbackStability,
    double dampingFactor,
    Duration maxFailbackStability,
    Duration flapWindow,
    boolean panicMode,
    int ejectAfterFailures,
    int ejectAfterConnectFailures,
    Duration baseEjection,
    Duration maxEjection,
    Duration trustInterval,
    boolean blockSharedCredentials,
    boolean requireIndependence) {

  public ServiceConfig {
    endpoints = List.copyOf(endpoints);
  }
}

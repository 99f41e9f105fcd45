package io.github.failoverresolver.internal.health;

import io.github.failoverresolver.HealthCheck;

/**
 * A health check of this library's own whose every wait is bounded by its context's timeout (socket
 * connect and read timeouts, call deadlines), so it may share a thread's turn with other checks. A user's
 * {@link HealthCheck} may hang and always runs alone.
 */
public interface BoundedCheck extends HealthCheck {}

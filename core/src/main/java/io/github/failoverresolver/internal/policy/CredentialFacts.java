package io.github.failoverresolver.internal.policy;

import io.github.failoverresolver.ResolverSnapshot.TrustStatus;

/**
 * The verdict on an endpoint's secret. Immutable; holds no secret.
 *
 * @param id the credential's id (an environment variable's or file's name), or empty before it is loaded
 * @param shared its fingerprint equals that of an endpoint in a better tier
 */
public record CredentialFacts(TrustStatus status, String reason, String id, boolean shared) {}

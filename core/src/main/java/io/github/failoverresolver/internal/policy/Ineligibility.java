package io.github.failoverresolver.internal.policy;

/**
 * Why an address (or a whole endpoint) is not eligible: the one answer of {@link Eligibility#whyNot}.
 * Values only; text for people is made from them at the edge.
 */
public sealed interface Ineligibility {

  /** An operator drained the endpoint. */
  record Drained() implements Ineligibility {}

  /** A live drill took the endpoint's tier out. */
  record Drilled() implements Ineligibility {}

  /** With independence required: the backup shares a blocking fault domain with a primary endpoint. */
  record NotIndependent(String primaryEndpoint, FaultDomains.Kind kind, java.util.List<String> shared)
      implements Ineligibility {}

  /** A trust check failed (or has not answered yet). */
  record Untrusted(Cause cause, String reason) implements Ineligibility {
    /** Which check. */
    public enum Cause {
      CREDENTIAL,
      SHARED_CREDENTIAL,
      CERTIFICATE,
      /** Its access check found access not enforced (it accepts unauthenticated requests). */
      ACCESS
    }
  }

  /** Passive outcomes ejected the address until {@code until} (epoch millis). */
  record Ejected(long until, String detail) implements Ineligibility {}

  /** Its active check failed. */
  record Unhealthy(String detail) implements Ineligibility {}

  /** It has had no verdict from its check yet. */
  record NotCheckedYet() implements Ineligibility {}

  /** The endpoint has no address at all (endpoint level only). */
  record NoAddresses(String dns) implements Ineligibility {}
}

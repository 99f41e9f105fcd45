package io.github.failoverresolver.internal.policy;

import java.util.List;
import java.util.Optional;

/** Why a decision chose what it chose. Values only; rendered as text at the edge. */
public sealed interface Reason {

  record PinnedEndpoint(String endpoint) implements Reason {}

  record PinnedTier(int tier) implements Reason {}

  /** The pin's target has no eligible address, so the normal policy decided ({@code then}). */
  record PinUnavailable(String pin, Reason then) implements Reason {}

  record NoTierEligible() implements Reason {}

  /** No tier has {@code minEligible} eligible addresses; {@code tier} has some. */
  record BelowMinimumEverywhere(int minEligible, int tier) implements Reason {}

  record LostEligibility(int from, int to, List<EndpointVerdict> why) implements Reason {}

  record StartUp(int tier) implements Reason {}

  record FailbackAfter(int tier, long stableMs, long windowMs) implements Reason {}

  record TooFewEligible(int from, int eligible, int minEligible, List<EndpointVerdict> why) implements Reason {}

  /**
   * @param eligibleForMs how long it has been eligible with no client failure on its addresses
   * @param passive the last client failure on its addresses inside that span, when it is what holds the
   *     failback back (probation): {@code address: cause}
   */
  record FailbackPending(int tier, long eligibleForMs, long windowMs, Optional<String> passive) implements Reason {}

  record BestEligible(int tier) implements Reason {}

  /** A client reported a failure on the tier being returned to during its slow start: a failed failback. */
  record SlowStartAborted(int tier, int back, String failure) implements Reason {}
}

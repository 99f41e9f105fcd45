package io.github.failoverresolver;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Something the resolver noticed or did. Immutable values; each carries the time it happened (from the
 * resolver's clock) and a plain-language reason. Events never carry secrets.
 */
public sealed interface FailoverEvent {

  Instant at();

  /**
   * No provider answered for {@code name}, so an expired answer was served (RFC 8767).
   *
   * @param age how far past its freshness the answer is
   */
  record StaleAnswerServed(Instant at, String name, RecordType type, Duration age, String reason)
      implements FailoverEvent {}

  /** An address passed its checks and became usable. */
  record AddressUp(Instant at, String service, String endpoint, String address, String reason)
      implements FailoverEvent {}

  /** An address failed its checks and is no longer handed out. */
  record AddressDown(Instant at, String service, String endpoint, String address, String reason)
      implements FailoverEvent {}

  /** Passive outcomes ejected an address for {@code duration} (outlier detection). */
  record AddressEjected(Instant at, String service, String endpoint, String address, Duration duration,
      int ejections, String reason) implements FailoverEvent {}

  /** Traffic moved to a lower-priority tier because the serving one lost eligibility. */
  record Failover(Instant at, String service, int fromTier, int toTier, String toEndpoint, String reason)
      implements FailoverEvent {}

  /** Traffic moved back to a higher-priority tier after it stayed eligible for {@code stableFor}. */
  record Failback(Instant at, String service, int fromTier, int toTier, String toEndpoint, Duration stableFor,
      String reason) implements FailoverEvent {}

  /** No tier had an eligible address; panic mode hands out tier 0's least-bad addresses. */
  record PanicEntered(Instant at, String service, String reason) implements FailoverEvent {}

  record PanicLeft(Instant at, String service, String reason) implements FailoverEvent {}

  /** No tier had an eligible address and panic mode is off: {@code select} fails until one comes back. */
  record ServiceUnavailable(Instant at, String service, List<String> reasons) implements FailoverEvent {
    public ServiceUnavailable {
      reasons = List.copyOf(reasons);
    }
  }

  /**
   * A certificate or credential is within its warn horizon: still trusted, to be renewed.
   *
   * @param what {@code "credential <id>"} or {@code "certificate of <address>"}
   */
  record CredentialExpiring(Instant at, String service, String endpoint, String what, long daysLeft,
      Instant expiresAt) implements FailoverEvent {}

  /** A certificate or credential failed its check: the endpoint (or address) is not eligible. */
  record CredentialBlocked(Instant at, String service, String endpoint, String what, String reason)
      implements FailoverEvent {}

  /** A blocked certificate or credential passes again (rotated, renewed): eligible again. */
  record CredentialRestored(Instant at, String service, String endpoint, String what, String reason)
      implements FailoverEvent {}

  /**
   * Endpoints of different tiers use the same secret (equal keyed fingerprints): a backup that shares the
   * primary's credential fails with it. {@code blocked} when the policy makes the backup ineligible.
   */
  record CredentialShared(Instant at, String service, List<String> endpoints, String fingerprint, boolean blocked)
      implements FailoverEvent {
    public CredentialShared {
      endpoints = List.copyOf(endpoints);
    }
  }

  /** Two providers gave different answers for the same name and type. */
  record SplitBrainDetected(Instant at, String name, RecordType type, Map<String, List<String>> answersByProvider)
      implements FailoverEvent {
    public SplitBrainDetected {
      answersByProvider = Map.copyOf(answersByProvider);
    }
  }

  /**
   * A retry was refused by the service's retry budget ({@link RetryBudget}): in the last {@code window},
   * {@code retries} retries for {@code requests} requests used it up. Once per window while it lasts.
   */
  record RetryBudgetExhausted(Instant at, String service, long requests, long retries, Duration window)
      implements FailoverEvent {}

  /**
   * After a failback, traffic returns to {@code tier} gradually: {@code minShare} of it at first, growing
   * linearly to all of it over {@code window}; the rest stays on {@code fromTier}.
   */
  record SlowStartStarted(Instant at, String service, int tier, int fromTier, Duration window, double minShare)
      implements FailoverEvent {}

  /**
   * The slow start to {@code tier} ended: {@code completed} when all traffic is there; otherwise cut short, for
   * {@code reason} (a client's failure on the tier returned to is a failed failback: a Failover follows).
   */
  record SlowStartEnded(Instant at, String service, int tier, boolean completed, String reason)
      implements FailoverEvent {}

  /**
   * The service's traffic moved to {@code toEndpoint}, whose session credential ({@link SessionLogin}) was
   * obtained anew before the first request that needed it: no session obtained from {@code fromEndpoint} is
   * ever sent there. Applications holding their own per-session state can drop it on this event.
   */
  record CutoverReauthenticated(Instant at, String service, String fromEndpoint, String toEndpoint)
      implements FailoverEvent {}

  /**
   * The SRV record set {@code srvName} of a service changed the endpoints it stands for: {@code added} are
   * checked before they serve; {@code removed} stopped at once or, while still serving with no replacement
   * ready, after the replacements had their first verdicts (make before break). Names are {@code host:port}.
   */
  record SrvTargetsChanged(Instant at, String service, String srvName, List<String> added, List<String> removed)
      implements FailoverEvent {
    public SrvTargetsChanged {
      added = List.copyOf(added);
      removed = List.copyOf(removed);
    }
  }
}

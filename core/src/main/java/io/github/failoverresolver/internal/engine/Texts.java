package io.github.failoverresolver.internal.engine;

import io.github.failoverresolver.ResolverSnapshot;
import io.github.failoverresolver.internal.policy.EndpointVerdict;
import io.github.failoverresolver.internal.policy.Ineligibility;
import io.github.failoverresolver.internal.policy.Reason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Renders the policy's typed reasons as text for people: the one place where they become words. */
public final class Texts {
  private Texts() {}

  public static String whyNot(Ineligibility why) {
    if (why instanceof Ineligibility.Drained) {
      return "drained by operator";
    } else if (why instanceof Ineligibility.Drilled) {
      return "taken out by a live drill";
    } else if (why instanceof Ineligibility.NotIndependent n) {
      boolean showValues = n.kind() == io.github.failoverresolver.internal.policy.FaultDomains.Kind.SAME_ADDRESS;
      return "not independent of " + n.primaryEndpoint() + ": " + n.kind().keyword().replace('-', ' ')
          + (showValues ? " " + String.join(", ", n.shared()) : "");
    } else if (why instanceof Ineligibility.Untrusted u) {
      return switch (u.cause()) {
        case SHARED_CREDENTIAL -> "untrusted: credential " + u.reason() + " is shared with a better tier";
        default -> "untrusted: " + u.reason();
      };
    } else if (why instanceof Ineligibility.Ejected e) {
      return "ejected until " + Instant.ofEpochMilli(e.until()) + " (" + e.detail() + ")";
    } else if (why instanceof Ineligibility.Unhealthy u) {
      return u.detail();
    } else if (why instanceof Ineligibility.NotCheckedYet) {
      return "not checked yet";
    } else if (why instanceof Ineligibility.NoAddresses n) {
      return "no addresses (DNS: " + n.dns() + ")";
    }
    throw new IllegalArgumentException(String.valueOf(why));
  }

  /** Why an endpoint has no eligible address (or, per address, why each is out). */
  public static String endpointWhyNot(EndpointVerdict v) {
    if (v.whyNot().isPresent()) {
      return whyNot(v.whyNot().get());
    }
    List<String> parts = new ArrayList<>();
    for (EndpointVerdict.AddressVerdict a : v.addresses()) {
      parts.add(ResolverSnapshot.Address.label(a.address().address()) + " "
          + a.whyNot().map(Texts::whyNot).orElse("eligible"));
    }
    return String.join(", ", parts);
  }

  /** One line per endpoint: "tier N name: why". */
  public static List<String> endpointReasons(List<EndpointVerdict> verdicts) {
    List<String> out = new ArrayList<>(verdicts.size());
    for (EndpointVerdict v : verdicts) {
      out.add("tier " + v.endpoint().tier() + " " + v.endpoint().name() + ": " + endpointWhyNot(v));
    }
    return out;
  }

  private static String tierWhyNot(List<EndpointVerdict> tier) {
    List<String> parts = new ArrayList<>();
    for (EndpointVerdict v : tier) {
      parts.add(v.endpoint().name() + ": " + endpointWhyNot(v));
    }
    return String.join("; ", parts);
  }

  public static String reason(Reason r) {
    if (r instanceof Reason.PinnedEndpoint p) {
      return "pinned to endpoint " + p.endpoint() + " by operator";
    } else if (r instanceof Reason.PinnedTier p) {
      return "pinned to tier " + p.tier() + " by operator";
    } else if (r instanceof Reason.PinUnavailable p) {
      return "pinned " + p.pin() + " has no eligible address; normal policy applies: " + reason(p.then());
    } else if (r instanceof Reason.NoTierEligible) {
      return "no tier has an eligible address";
    } else if (r instanceof Reason.BelowMinimumEverywhere b) {
      return "no tier has " + b.minEligible() + " eligible addresses; tier " + b.tier() + " has some";
    } else if (r instanceof Reason.LostEligibility l) {
      return "tier " + l.from() + " lost eligibility (" + tierWhyNot(l.why()) + "); tier " + l.to() + " is eligible";
    } else if (r instanceof Reason.StartUp s) {
      return "start-up: tier " + s.tier() + " has its first verdicts and is eligible";
    } else if (r instanceof Reason.FailbackAfter f) {
      return "tier " + f.tier() + " eligible for " + f.stableMs() + " ms, at least its failback window of "
          + f.windowMs() + " ms";
    } else if (r instanceof Reason.TooFewEligible t) {
      return "tier " + t.from() + " has " + t.eligible() + " of the " + t.minEligible()
          + " eligible addresses it needs: " + tierWhyNot(t.why());
    } else if (r instanceof Reason.FailbackPending f) {
      return "tier " + f.tier() + " eligible for " + f.eligibleForMs() + " ms of its " + f.windowMs()
          + " ms failback window" + f.passive().map(p -> " (counted from a client's failure on " + p + ")").orElse("");
    } else if (r instanceof Reason.SlowStartAborted a) {
      return "failback to tier " + a.tier() + " failed during its slow start (a client's failure on " + a.failure()
          + "): back to tier " + a.back();
    } else if (r instanceof Reason.BestEligible b) {
      return "tier " + b.tier() + " is the best eligible tier";
    }
    throw new IllegalArgumentException(String.valueOf(r));
  }
}

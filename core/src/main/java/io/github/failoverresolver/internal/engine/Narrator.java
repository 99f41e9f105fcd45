package io.github.failoverresolver.internal.engine;

import io.github.failoverresolver.FailoverEvent;
import io.github.failoverresolver.ResolverSnapshot.TrustStatus;
import io.github.failoverresolver.internal.EventDispatcher;
import io.github.failoverresolver.internal.policy.Decision;
import io.github.failoverresolver.internal.policy.Transition;
import io.github.failoverresolver.internal.trust.Verdict;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Turns what the control loop and the policy decided into events (and, through the dispatcher, SLF4J
 * lines). It changes no state: narration is never policy.
 */
final class Narrator {
  private final EventDispatcher events;
  private final Clock clock;

  Narrator(EventDispatcher events, Clock clock) {
    this.events = events;
    this.clock = clock;
  }

  /** Events carry the resolver clock's milliseconds, as every other time the resolver reports. */
  private Instant now() {
    return Instant.ofEpochMilli(clock.millis());
  }

  void transitions(String service, Decision d) {
    Instant at = now();
    for (Transition t : d.transitions()) {
      if (t instanceof Transition.PanicEntered p) {
        events.publish(new FailoverEvent.PanicEntered(at, service, "no tier has an eligible address: "
            + String.join("; ", Texts.endpointReasons(p.why()))));
      } else if (t instanceof Transition.PanicLeft p) {
        events.publish(new FailoverEvent.PanicLeft(at, service, Texts.reason(p.reason())));
      } else if (t instanceof Transition.Unavailable u) {
        events.publish(new FailoverEvent.ServiceUnavailable(at, service, Texts.endpointReasons(u.why())));
      } else if (t instanceof Transition.Failover f) {
        events.publish(new FailoverEvent.Failover(at, service, f.from(), f.to(), f.endpoint(), Texts.reason(f.reason())));
      } else if (t instanceof Transition.SlowStartStarted r) {
        events.publish(new FailoverEvent.SlowStartStarted(at, service, r.tier(), r.from(), Duration.ofMillis(r.windowMs()),
            r.minShare()));
      } else if (t instanceof Transition.SlowStartEnded r) {
        events.publish(new FailoverEvent.SlowStartEnded(at, service, r.tier(), r.completed(), Texts.reason(r.why())));
      } else if (t instanceof Transition.Failback f) {
        events.publish(new FailoverEvent.Failback(at, service, f.from(), f.to(), f.endpoint(),
            Duration.ofMillis(f.stableForMs()), Texts.reason(f.reason())));
      }
    }
  }

  void addressUp(EndpointState ep, AddressState a, String why) {
    events.publish(new FailoverEvent.AddressUp(now(), ep.service.cfg.name(), ep.cfg.name(), a.label, why));
  }

  void addressDown(EndpointState ep, AddressState a, String why) {
    events.publish(new FailoverEvent.AddressDown(now(), ep.service.cfg.name(), ep.cfg.name(), a.label, why));
  }

  void ejected(EndpointState ep, AddressState a, long lengthMs, String cause) {
    events.publish(new FailoverEvent.AddressEjected(now(), ep.service.cfg.name(), ep.cfg.name(), a.label,
        Duration.ofMillis(lengthMs), a.ejection.ejections(), cause));
  }

  /** A trust verdict changed: blocked, expiring, or restored. */
  void trust(EndpointState ep, String what, Verdict before, Verdict after) {
    Instant at = now();
    String service = ep.service.cfg.name();
    if (after.status() == TrustStatus.BLOCKED && before.status() != TrustStatus.BLOCKED) {
      events.publish(new FailoverEvent.CredentialBlocked(at, service, ep.cfg.name(), what, after.reason()));
    } else if (after.status() == TrustStatus.WARN && before.status() != TrustStatus.WARN) {
      Instant expires = after.expiresAt().orElse(at);
      events.publish(new FailoverEvent.CredentialExpiring(at, service, ep.cfg.name(), what,
          Duration.between(at, expires).toDays(), expires));
    }
    if (before.status() == TrustStatus.BLOCKED && after.status().trusted()) {
      events.publish(new FailoverEvent.CredentialRestored(at, service, ep.cfg.name(), what, after.reason()));
    }
  }

  void shared(ServiceState s, List<String> endpoints, String fingerprintPrefix) {
    events.publish(new FailoverEvent.CredentialShared(now(), s.cfg.name(), endpoints, fingerprintPrefix,
        s.cfg.blockSharedCredentials()));
  }
}

package io.github.failoverresolver.internal.engine;

import io.github.failoverresolver.FailoverEvent;
import io.github.failoverresolver.ResolverSnapshot;
import io.github.failoverresolver.ResolverSnapshot.DnsStatus;
import io.github.failoverresolver.SrvRecord;
import io.github.failoverresolver.internal.HostNames;
import io.github.failoverresolver.internal.Sanitize;
import io.github.failoverresolver.internal.dns.EndpointDns;
import io.github.failoverresolver.internal.dns.ServerSpecs;
import io.github.failoverresolver.internal.dns.SrvOrder;
import io.github.failoverresolver.internal.policy.AddressFacts;
import io.github.failoverresolver.internal.policy.Eligibility;
import io.github.failoverresolver.internal.policy.EndpointFacts;
import io.github.failoverresolver.internal.policy.ServiceView;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * SRV record sets as endpoints: each target of an SRV endpoint's records is an endpoint of the template's tier
 * (its port from the record, its host name for DNS and TLS, the template's checks, credential and settings),
 * ordered by priority and, within one, by a weighted draw that stays put while the set changes
 * ({@link SrvOrder#stable}). A change of the set adds new targets at once (checked before they serve) and
 * removes old ones make before break: a target still serving stays until the others have their first
 * verdicts. An empty or failed answer keeps the last set until it is older than its TTL plus max-stale.
 * Until the first answer the template itself is an endpoint without addresses (ineligible, "not resolved").
 * Used only from the control loop.
 */
final class SrvEndpoints {
  private final ControlLoop loop;
  private final Inputs inputs;
  private final Clock clock;
  private final io.github.failoverresolver.internal.EventDispatcher events;

  /** One SRV endpoint of a service: its template, and the endpoints its targets are now. */
  static final class Group {
    final ServiceState service;
    final EndpointState template;
    final EndpointDns.Slot slot = new EndpointDns.Slot();
    final long seed;
    /** The targets in SRV order. */
    List<EndpointState> live = List.of();
    /** Targets the set no longer names that still serve until the live ones have their first verdicts. */
    final List<EndpointState> retiring = new ArrayList<>();
    long keepUntil;

    Group(ServiceState service, EndpointState template, long seed) {
      this.service = service;
      this.template = template;
      this.seed = seed;
      template.dns = new ResolverSnapshot.Dns(DnsStatus.NOT_RESOLVED, Optional.empty(), Optional.empty(),
          "SRV " + template.cfg.host() + " not looked up yet");
    }

    /** The endpoints the policy sees in this group's place: its targets, or the template until there are some. */
    List<EndpointState> endpoints() {
      if (live.isEmpty() && retiring.isEmpty()) {
        return List.of(template);
      }
      List<EndpointState> all = new ArrayList<>(live);
      all.addAll(retiring);
      return all;
    }
  }

  SrvEndpoints(ControlLoop loop, Inputs inputs, Clock clock, io.github.failoverresolver.internal.EventDispatcher events) {
    this.loop = loop;
    this.inputs = inputs;
    this.clock = clock;
    this.events = events;
  }

  void start(Group g) {
    inputs.dns().startSrv(g.slot, g.template.cfg.host(), answer -> onAnswer(g, answer));
  }

  void stop(Group g) {
    inputs.dns().stop(g.slot);
    g.live.forEach(inputs::stop);
    g.retiring.forEach(inputs::stop);
  }

  private void onAnswer(Group g, EndpointDns.Answer a) {
    if (loop.closed()) {
      return;
    }
    long now = clock.millis();
    List<String> ignored = new ArrayList<>();
    Map<String, SrvRecord> usable = usable(g, a.srv(), ignored);
    String note = a.note() + (ignored.isEmpty() ? "" : "; ignored " + String.join(", ", ignored));
    if (!usable.isEmpty()) {
      g.keepUntil = a.freshUntil() + inputs.dns().engine().settings().maxStale().toMillis();
      g.template.dns = new ResolverSnapshot.Dns(a.stale() ? DnsStatus.STALE : DnsStatus.RESOLVED, a.provider(),
          Optional.empty(), note, a.servedTtl());
      apply(g, usable);
    } else if (now < g.keepUntil) {
      Instant until = Instant.ofEpochMilli(g.keepUntil);
      g.template.dns = new ResolverSnapshot.Dns(DnsStatus.KEPT, g.template.dns.provider(), Optional.of(until),
          note + "; keeping the last targets until " + until);
    } else {
      g.template.dns = new ResolverSnapshot.Dns(DnsStatus.FAILED, Optional.empty(), Optional.empty(), note);
      apply(g, Map.of());
    }
  }

  /**
   * The records whose targets can be endpoints, by endpoint name, in SRV order; the others named in
   * {@code ignored} ("." means the service is not offered there, RFC 2782; invalid names; names another
   * endpoint of the service already has).
   */
  private static Map<String, SrvRecord> usable(Group g, List<SrvRecord> records, List<String> ignored) {
    Set<String> taken = new java.util.HashSet<>();
    for (Object c : g.service.configured) {
      if (c instanceof EndpointState e) {
        taken.add(e.cfg.name());
      } else if (c != g) {
        ((Group) c).live.forEach(e -> taken.add(e.cfg.name()));
      }
    }
    Map<String, SrvRecord> out = new LinkedHashMap<>();
    for (SrvRecord r : SrvOrder.stable(records, g.seed)) {
      String target = r.target();
      if (target.equals(".") || target.isEmpty() || r.port() == 0) {
        continue;
      }
      String host;
      try {
        host = ServerSpecs.ipLiteral(target).isPresent() ? target : HostNames.normalize(target, false);
      } catch (IllegalArgumentException bad) {
        ignored.add("target '" + Sanitize.text(target) + "' (" + bad.getMessage() + ")");
        continue;
      }
      String name = io.github.failoverresolver.internal.HostPort.join(host, r.port());
      if (taken.contains(name)) {
        ignored.add(name + " (already an endpoint of the service)");
      } else {
        out.putIfAbsent(name, new SrvRecord(r.priority(), r.weight(), r.port(), host));
      }
    }
    return out;
  }

  private void apply(Group g, Map<String, SrvRecord> wanted) {
    ServiceState s = g.service;
    Map<String, EndpointState> had = new LinkedHashMap<>();
    g.live.forEach(e -> had.put(e.cfg.name(), e));
    g.retiring.forEach(e -> had.put(e.cfg.name(), e));
    List<EndpointState> live = new ArrayList<>();
    List<EndpointState> added = new ArrayList<>();
    for (Map.Entry<String, SrvRecord> w : wanted.entrySet()) {
      EndpointState e = had.remove(w.getKey());
      if (e == null) {
        SrvRecord r = w.getValue();
        e = new EndpointState(g.template.cfg.srvTarget(r.target(), r.port(), ServerSpecs.ipLiteral(r.target())), s);
        added.add(e);
      }
      live.add(e);
    }
    List<EndpointState> kept = new ArrayList<>();
    List<EndpointState> removed = new ArrayList<>();
    for (EndpointState old : had.values()) {
      if (!live.isEmpty() && !Retirement.eligibleNow(old).isEmpty()) {
        kept.add(old); // still serving, no replacement ready yet: prune decides when it goes
      } else {
        removed.add(old);
      }
    }
    boolean reordered = !live.equals(g.live) || !kept.equals(g.retiring);
    if (!reordered) {
      return;
    }
    Set<String> hostsBefore = s.hosts();
    g.live = List.copyOf(live);
    g.retiring.clear();
    g.retiring.addAll(kept);
    s.layout();
    loop.rehost(s, hostsBefore);
    removed.forEach(inputs::stop);
    added.forEach(inputs::start);
    if (!added.isEmpty() || !removed.isEmpty()) {
      events.publish(new FailoverEvent.SrvTargetsChanged(clock.instant(), s.cfg.name(), g.template.cfg.host(),
          added.stream().map(e -> e.cfg.name()).toList(), removed.stream().map(e -> e.cfg.name()).toList()));
    }
    loop.decide(s);
  }

  /**
   * Stops the retiring targets of {@code s} that are no longer needed (every live target of their set has its
   * first verdicts) or no longer eligible. Before a decision, on the loop.
   */
  void prune(ServiceState s, long now) {
    List<Group> groups = new ArrayList<>();
    for (Object c : s.configured) {
      if (c instanceof Group g && !g.retiring.isEmpty()) {
        groups.add(g);
      }
    }
    if (groups.isEmpty()) {
      return;
    }
    ServiceView view = s.view();
    Map<String, EndpointFacts> facts = new java.util.HashMap<>();
    view.endpoints().forEach(f -> facts.put(f.name(), f));
    Set<String> hostsBefore = s.hosts();
    boolean changed = false;
    for (Group g : groups) {
      // a live target waits while its name is not resolved yet or an address of it has no first verdict
      boolean waiting = false;
      for (EndpointState e : g.live) {
        EndpointFacts f = facts.get(e.cfg.name());
        waiting |= e.dns.status() == DnsStatus.NOT_RESOLVED
            || f.addresses().stream().anyMatch(a -> !Eligibility.hasFirstVerdict(f, a));
      }
      List<EndpointState> gone = new ArrayList<>();
      for (EndpointState old : g.retiring) {
        EndpointFacts f = facts.get(old.cfg.name());
        if (!waiting || !eligible(view, f, s, now)) {
          gone.add(old);
        }
      }
      if (!gone.isEmpty()) {
        g.retiring.removeAll(gone);
        gone.forEach(inputs::stop);
        events.publish(new FailoverEvent.SrvTargetsChanged(clock.instant(), s.cfg.name(), g.template.cfg.host(),
            List.of(), gone.stream().map(e -> e.cfg.name()).toList()));
        changed = true;
      }
    }
    if (changed) {
      s.layout();
      loop.rehost(s, hostsBefore);
    }
  }

  private static boolean eligible(ServiceView view, EndpointFacts f, ServiceState s, long now) {
    var independence = Eligibility.notIndependent(view, f, s.policy);
    for (AddressFacts a : f.addresses()) {
      if (Eligibility.whyNot(f, a, independence, s.policy, now).isEmpty()) {
        return true;
      }
    }
    return false;
  }
}

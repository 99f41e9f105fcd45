package io.github.failoverresolver.internal.engine;

import io.github.failoverresolver.Target;
import io.github.failoverresolver.internal.policy.Decision;
import io.github.failoverresolver.internal.policy.PolicyMemory;
import io.github.failoverresolver.internal.policy.PolicySettings;
import io.github.failoverresolver.internal.policy.ServiceView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;

/** One service; mutable, owned by the control loop, except {@link #table}, which the data plane reads. */
final class ServiceState {
  final ServiceConfig cfg;
  final PolicySettings policy;
  /** The endpoints the policy sees, in order: {@link #layout} of {@link #configured}. */
  final List<EndpointState> endpoints = new ArrayList<>();
  /** Per configured endpoint, in configured order: its state, or the SRV record set that stands for it. */
  final List<Object> configured = new ArrayList<>();
  /** Every endpoint's config by name (SRV targets included), for lookups from any thread. */
  volatile java.util.Map<String, EndpointConfig> byName = java.util.Map.of();
  final List<Consumer<Optional<Target>>> subscribers = new CopyOnWriteArrayList<>();
  volatile RoutingTable table = RoutingTable.EMPTY;
  /** {@code table.first}, for select's single read. */
  volatile Target first;
  /** During a slow start: the target of the tier traffic comes back from, and the share it no longer gets. */
  volatile Ramp ramp;

  /** A slow start's split: {@code alternative} gets the requests a draw of 0..999 puts at or above {@code share}. */
  record Ramp(Target alternative, int share) {}
  PolicyMemory memory = PolicyMemory.initial();

  /**
   * What the last decision saw and chose, for {@link Snapshots} on any thread: the endpoints and their addresses
   * as laid out then, the decision, the memory it left. Written on the loop with each decision.
   */
  record Published(EndpointState[] endpoints, AddressState[][] addresses, Decision decision, PolicyMemory memory,
      String reason, long generation) {}

  volatile Published published;

  /** Publishes the state the decision {@code d} was made on (after {@link #table} is set). On the loop. */
  void publish(Decision d) {
    EndpointState[] eps = endpoints.toArray(new EndpointState[0]);
    AddressState[][] addrs = new AddressState[eps.length][];
    for (int i = 0; i < eps.length; i++) {
      addrs[i] = eps[i].addresses.values().toArray(new AddressState[0]);
    }
    published = new Published(eps, addrs, d, memory, reason, table.generation);
  }
  Decision last;
  String reason = "starting";
  ScheduledFuture<?> decideAgain;
  boolean decideQueued;
  long decideAgainAt = Long.MAX_VALUE;

  ServiceState(ServiceConfig cfg) {
    this.cfg = cfg;
    this.policy = cfg.policy();
  }

  /** Lays the endpoints out again (after an SRV record set changed): each SRV set's targets in its place. */
  void layout() {
    endpoints.clear();
    for (Object c : configured) {
      if (c instanceof EndpointState e) {
        endpoints.add(e);
      } else {
        endpoints.addAll(((SrvEndpoints.Group) c).endpoints());
      }
    }
    java.util.Map<String, EndpointConfig> names = new java.util.HashMap<>();
    for (EndpointState e : endpoints) {
      names.put(e.cfg.name(), e.cfg);
    }
    byName = names;
  }

  /** The host names of the endpoints that are not SRV templates (those {@link ControlLoop#resolve} answers for). */
  java.util.Set<String> hosts() {
    java.util.Set<String> hosts = new java.util.HashSet<>();
    for (EndpointState e : endpoints) {
      if (!e.cfg.srvTemplate()) {
        hosts.add(e.cfg.host());
      }
    }
    return hosts;
  }

  ServiceView view() {
    return new ServiceView(cfg.name(), endpoints.stream().map(EndpointState::facts).toList());
  }

  /** The config of the endpoint named {@code name} as now laid out (any thread), or an error listing the names. */
  EndpointConfig endpointNamed(String name) {
    Map<String, EndpointConfig> now = byName;
    EndpointConfig c = now.get(name);
    if (c == null) {
      throw new IllegalArgumentException("service '" + cfg.name() + "' has no endpoint '" + name + "'; endpoints: "
          + now.keySet().stream().sorted().toList());
    }
    return c;
  }
}

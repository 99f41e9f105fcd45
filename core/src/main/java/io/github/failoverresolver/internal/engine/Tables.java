package io.github.failoverresolver.internal.engine;

import io.github.failoverresolver.Target;
import io.github.failoverresolver.internal.policy.Decision;
import io.github.failoverresolver.internal.policy.EndpointVerdict;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Builds a service's routing table from a decision; keeps the old one when nothing a reader sees changed. */
final class Tables {
  private Tables() {}

  /** The target a choice stands for (generation as given). */
  static Target target(ServiceState s, Decision.Choice c, long generation) {
    EndpointState ep = s.endpoints.get(c.endpoint());
    List<InetAddress> plain = new ArrayList<>(c.addresses().size());
    for (InetSocketAddress a : c.addresses()) {
      plain.add(a.getAddress());
    }
    return new Target(s.cfg.name(), ep.cfg.name(), ep.cfg.tier(), ep.cfg.host(), ep.cfg.port(), c.addresses(), plain,
        generation, c.panic(), ep.cfg.credential().isPresent() ? ep.handle : Optional.empty());
  }

  /** The next table, or {@code old} itself when targets, host addresses and reasons are all unchanged. */
  static RoutingTable next(ServiceState s, Decision d, RoutingTable old) {
    List<String> reasons = d.targets().isEmpty() ? Texts.endpointReasons(d.endpoints()) : List.of();
    Map<String, RoutingTable.HostAddresses> hosts = hosts(s, d);
    boolean sameTargets = sameTargets(s, old.targets, d);
    if (sameTargets && hosts.equals(old.hosts) && reasons.equals(old.reasons)) {
      return old;
    }
    if (sameTargets) {
      return new RoutingTable(old.targets, reasons, old.generation, hosts);
    }
    long generation = old.generation + 1;
    List<Target> targets = new ArrayList<>(d.targets().size());
    for (Decision.Choice c : d.targets()) {
      targets.add(target(s, c, generation));
    }
    return new RoutingTable(targets, reasons, generation, hosts);
  }

  /** Per host: the eligible addresses of its endpoints (or, in panic, the panic target's). */
  private static Map<String, RoutingTable.HostAddresses> hosts(ServiceState s, Decision d) {
    Map<String, Set<InetAddress>> addresses = new LinkedHashMap<>();
    Map<String, List<String>> why = new HashMap<>();
    Map<String, String> alone = new HashMap<>(); // the reason when the host is one endpoint's
    Map<Integer, Decision.Choice> panic = new HashMap<>();
    for (Decision.Choice c : d.targets()) {
      if (c.panic()) {
        panic.put(c.endpoint(), c);
      }
    }
    for (int i = 0; i < d.endpoints().size(); i++) {
      EndpointVerdict v = d.endpoints().get(i);
      String host = s.endpoints.get(i).cfg.host();
      Set<InetAddress> set = addresses.computeIfAbsent(host, h -> new LinkedHashSet<>());
      List<InetSocketAddress> use = panic.containsKey(i) ? panic.get(i).addresses() : v.eligible();
      use.forEach(a -> set.add(a.getAddress()));
      if (use.isEmpty()) {
        why.computeIfAbsent(host, h -> new ArrayList<>()).add(v.endpoint().name() + ": " + Texts.endpointWhyNot(v));
        alone.merge(host, Texts.endpointWhyNot(v), (a, b) -> a);
      }
    }
    Map<String, RoutingTable.HostAddresses> out = new HashMap<>();
    addresses.forEach((host, set) -> out.put(host, new RoutingTable.HostAddresses(List.copyOf(set),
        !set.isEmpty() ? "" : why.get(host).size() == 1 ? alone.get(host) : String.join("; ", why.get(host)))));
    return out;
  }

  private static boolean sameTargets(ServiceState s, List<Target> old, Decision d) {
    if (old.size() != d.targets().size()) {
      return false;
    }
    for (int i = 0; i < old.size(); i++) {
      Target x = old.get(i);
      Decision.Choice y = d.targets().get(i);
      EndpointState ep = s.endpoints.get(y.endpoint());
      String fingerprint = ep.cfg.credential().isPresent() ? ep.handle.map(h -> h.fingerprint()).orElse("") : "";
      if (!x.endpoint().equals(y.name()) || !x.addresses().equals(y.addresses()) || x.panic() != y.panic()
          || !x.credential().map(h -> h.fingerprint()).orElse("").equals(fingerprint)) {
        return false;
      }
    }
    return true;
  }
}

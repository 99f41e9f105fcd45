package io.github.failoverresolver.internal.engine;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The services with an endpoint of each host name, and the data plane's {@link #resolve}: the eligible addresses
 * of a host from the same routing tables as {@code select}. Written on the control loop only (SRV targets come
 * and go), read by any thread without a lock.
 */
final class HostIndex {
  private final Map<String, List<ServiceState>> byHost = new ConcurrentHashMap<>();

  /** Brings the index up to date with {@code s}'s endpoints, which had the hosts {@code before}. On the loop. */
  void update(ServiceState s, Set<String> before) {
    Set<String> now = s.hosts();
    for (String h : before) {
      if (!now.contains(h)) {
        byHost.computeIfPresent(h, (k, list) -> {
          List<ServiceState> rest = new ArrayList<>(list);
          rest.remove(s);
          return rest.isEmpty() ? null : List.copyOf(rest);
        });
      }
    }
    for (String h : now) {
      if (!before.contains(h)) {
        byHost.merge(h, List.of(s), (list, one) -> {
          List<ServiceState> more = new ArrayList<>(list);
          more.add(s);
          return List.copyOf(more);
        });
      }
    }
  }

  /** The addresses of the endpoint(s) named {@code host}; empty for hosts no endpoint has. Any thread. */
  Optional<List<InetAddress>> resolve(String host) throws UnknownHostException {
    String key = host;
    List<ServiceState> owners = byHost.get(key);
    if (owners == null) {
      key = (host.endsWith(".") ? host.substring(0, host.length() - 1) : host).toLowerCase(Locale.ROOT);
      owners = byHost.get(key);
      if (owners == null) {
        return Optional.empty();
      }
    }
    if (owners.size() == 1) {
      RoutingTable.HostAddresses h = owners.get(0).table.hosts.get(key);
      if (h == null || h.addresses().isEmpty()) {
        throw new UnknownHostException(host + ": no eligible address: "
            + (h == null ? RoutingTable.EMPTY.reasons.get(0) : h.whyNot()));
      }
      return h.present();
    }
    Set<InetAddress> merged = new LinkedHashSet<>();
    List<String> why = new ArrayList<>();
    for (ServiceState s : owners) {
      RoutingTable.HostAddresses h = s.table.hosts.get(key);
      if (h != null) {
        merged.addAll(h.addresses());
        why.add(h.whyNot());
      }
    }
    if (merged.isEmpty()) {
      throw new UnknownHostException(host + ": no eligible address: " + String.join("; ", why));
    }
    return Optional.of(List.copyOf(merged));
  }
}

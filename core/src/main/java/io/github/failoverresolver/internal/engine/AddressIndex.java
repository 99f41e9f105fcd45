package io.github.failoverresolver.internal.engine;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every endpoint address by its socket address, so that an outcome report finds its address in one hash
 * lookup on the caller's thread. The value is the address's {@link AddressState.Reports} itself when one
 * endpoint has the address (the common case: no array to dereference on the hot path, and only that small
 * object is read past the map), an array of them when several share it. Written by the control loop, read by
 * any thread.
 */
final class AddressIndex {
  private static final AddressState[] NONE = new AddressState[0];
  private final ConcurrentHashMap<InetSocketAddress, Object> byAddress = new ConcurrentHashMap<>();

  /**
   * The map itself, read-only outside this class (a value is an {@link AddressState.Reports}, an
   * {@code AddressState.Reports[]}): for the report path's hot lookup.
   */
  ConcurrentHashMap<InetSocketAddress, Object> map() {
    return byAddress;
  }

  /** The endpoint addresses at {@code address} (several endpoints may share one); empty when none. */
  AddressState[] get(InetSocketAddress address) {
    Object found = byAddress.get(address);
    if (found == null) {
      return NONE;
    }
    if (found instanceof AddressState.Reports one) {
      return new AddressState[] {one.state};
    }
    return Arrays.stream((AddressState.Reports[]) found).map(r -> r.state).toArray(AddressState[]::new);
  }

  void add(AddressState a) {
    AddressState.Reports r = a.reports;
    byAddress.compute(compact(a.address), (k, old) -> {
      if (old == null) {
        return r;
      }
      AddressState.Reports[] before = old instanceof AddressState.Reports one ? new AddressState.Reports[] {one}
          : (AddressState.Reports[]) old;
      AddressState.Reports[] more = Arrays.copyOf(before, before.length + 1);
      more[before.length] = r;
      return more;
    });
  }

  /**
   * A copy of an IPv4 socket address made now, beside its map entry: the key objects a lookup compares are
   * then next to each other in memory, not wherever configuration parsing left them (equal: the same IP and
   * port).
   */
  private static InetSocketAddress compact(InetSocketAddress a) {
    if (!(a.getAddress() instanceof java.net.Inet4Address v4)) {
      return a;
    }
    try {
      return new InetSocketAddress(java.net.InetAddress.getByAddress(v4.getAddress()), a.getPort());
    } catch (java.net.UnknownHostException impossible) {
      return a; // four bytes are always an address
    }
  }

  void remove(AddressState a) {
    AddressState.Reports r = a.reports;
    byAddress.computeIfPresent(a.address, (k, old) -> {
      if (old == r) {
        return null;
      }
      if (old instanceof AddressState.Reports) {
        return old;
      }
      AddressState.Reports[] fewer = Arrays.stream((AddressState.Reports[]) old).filter(x -> x != r)
          .toArray(AddressState.Reports[]::new);
      return fewer.length == 0 ? null : fewer.length == 1 ? fewer[0] : fewer;
    });
  }
}

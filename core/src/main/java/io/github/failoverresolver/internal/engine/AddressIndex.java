package io.github.failoverresolver.internal.engine;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every endpoint address by its socket address, so that an outcome report finds its address in one hash
 * lookup on the caller's thread. Written by the control loop, read by any thread.
 */
final class AddressIndex {
  private static final AddressState[] NONE = new AddressState[0];
  private final ConcurrentHashMap<InetSocketAddress, AddressState[]> byAddress = new ConcurrentHashMap<>();

  /** The endpoint addresses at {@code address} (several endpoints may share one); empty when none. */
  AddressState[] get(InetSocketAddress address) {
    AddressState[] found = byAddress.get(address);
    return found == null ? NONE : found;
  }

  void add(AddressState a) {
    byAddress.compute(a.address, (k, old) -> {
      if (old == null) {
        return new AddressState[] {a};
      }
      AddressState[] more = Arrays.copyOf(old, old.length + 1);
      more[old.length] = a;
      return more;
    });
  }

  void remove(AddressState a) {
    byAddress.computeIfPresent(a.address, (k, old) -> {
      AddressState[] fewer = Arrays.stream(old).filter(x -> x != a).toArray(AddressState[]::new);
      return fewer.length == 0 ? null : fewer;
    });
  }
}

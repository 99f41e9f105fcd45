package io.github.failoverresolver.internal.engine;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every endpoint address by its socket address, so that an outcome report finds its address in one hash
 * lookup on the caller's thread. The value is the {@link AddressState} itself when one endpoint has the
 * address (the common case: no array to dereference on the hot path), an array when several share it.
 * Written by the control loop, read by any thread.
 */
final class AddressIndex {
  private static final AddressState[] NONE = new AddressState[0];
  private final ConcurrentHashMap<InetSocketAddress, Object> byAddress = new ConcurrentHashMap<>();

  /** The {@link AddressState}, an {@code AddressState[]}, or null. */
  Object lookup(InetSocketAddress address) {
    return byAddress.get(address);
  }

  /** The endpoint addresses at {@code address} (several endpoints may share one); empty when none. */
  AddressState[] get(InetSocketAddress address) {
    Object found = byAddress.get(address);
    return found == null ? NONE : found instanceof AddressState one ? new AddressState[] {one} : (AddressState[]) found;
  }

  void add(AddressState a) {
    byAddress.compute(a.address, (k, old) -> {
      if (old == null) {
        return a;
      }
      AddressState[] before = old instanceof AddressState one ? new AddressState[] {one} : (AddressState[]) old;
      AddressState[] more = Arrays.copyOf(before, before.length + 1);
      more[before.length] = a;
      return more;
    });
  }

  void remove(AddressState a) {
    byAddress.computeIfPresent(a.address, (k, old) -> {
      if (old == a) {
        return null;
      }
      if (old instanceof AddressState) {
        return old;
      }
      AddressState[] fewer = Arrays.stream((AddressState[]) old).filter(x -> x != a).toArray(AddressState[]::new);
      return fewer.length == 0 ? null : fewer.length == 1 ? fewer[0] : fewer;
    });
  }
}

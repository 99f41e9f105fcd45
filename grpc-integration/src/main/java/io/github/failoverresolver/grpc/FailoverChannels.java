package io.github.failoverresolver.grpc;

import io.github.failoverresolver.FailoverResolver;
import io.github.failoverresolver.Subscription;
import io.grpc.ManagedChannel;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes a channel act on a routing change at once. gRPC's {@code pick_first} keeps its subchannel when the
 * name resolver hands it new addresses; if that subchannel is in TRANSIENT_FAILURE (the primary just
 * refused), it waits out its reconnect backoff (about 1 s, growing) before it tries the backup. A channel
 * registered here is asked to skip that backoff ({@link ManagedChannel#resetConnectBackoff()}, gRPC's own
 * call for "the network changed") right after the failover name resolver has handed it the new addresses,
 * in the channel's synchronization context, so the reconnect goes to them. {@code round_robin} does not
 * need it (it connects new addresses at once) but is not hurt by it.
 */
public final class FailoverChannels {
  private record Key(FailoverResolver resolver, String service) {}

  private static final Map<Key, Set<ManagedChannel>> CHANNELS = new ConcurrentHashMap<>();

  private FailoverChannels() {}

  /**
   * Call once per channel, after building it; close the subscription when the channel is shut down (a
   * shut-down channel is also dropped on the next change).
   *
   * @param service the service the channel's target names ({@code failover:///service})
   */
  public static Subscription reconnectOnChange(ManagedChannel channel, FailoverResolver resolver, String service) {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(resolver, "resolver");
    resolver.targets(service); // an unknown service fails here
    Key key = new Key(resolver, service);
    CHANNELS.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(channel);
    return () -> CHANNELS.computeIfPresent(key, (k, set) -> {
      set.remove(channel);
      return set.isEmpty() ? null : set;
    });
  }

  /** Called by the name resolver after it handed a channel new addresses (in that channel's sync context). */
  static void routingChanged(FailoverResolver resolver, String service) {
    Set<ManagedChannel> set = CHANNELS.get(new Key(resolver, service));
    if (set == null) {
      return;
    }
    for (ManagedChannel c : List.copyOf(set)) {
      if (c.isShutdown()) {
        set.remove(c);
      } else {
        c.resetConnectBackoff();
      }
    }
  }
}

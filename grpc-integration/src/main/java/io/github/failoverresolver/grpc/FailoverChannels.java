package io.github.failoverresolver.grpc;

import io.github.failoverresolver.FailoverResolver;
import io.github.failoverresolver.Subscription;
import io.grpc.ManagedChannel;
import java.util.Objects;

/**
 * Makes a channel act on a routing change at once. gRPC's {@code pick_first} keeps its subchannel when the
 * name resolver hands it new addresses; if that subchannel is in TRANSIENT_FAILURE (the primary just
 * refused), it waits out its reconnect backoff (about 1 s, growing) before it tries the backup. After each
 * change this asks the channel to skip that backoff ({@link ManagedChannel#resetConnectBackoff()}, gRPC's
 * own call for "the network changed"); the request is queued in the channel's synchronization context after
 * the new addresses, so the reconnect goes to them. {@code round_robin} does not need it (it connects new
 * addresses at once) but is not hurt by it.
 */
public final class FailoverChannels {
  private FailoverChannels() {}

  /**
   * Call once per channel, after building it; close the subscription when the channel is shut down.
   *
   * @param service the service the channel's target names ({@code failover:///service})
   */
  public static Subscription reconnectOnChange(ManagedChannel channel, FailoverResolver resolver, String service) {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(resolver, "resolver");
    java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
    return resolver.subscribe(service, target -> {
      if (first.getAndSet(false)) {
        return; // the current target, delivered on subscribing: nothing changed
      }
      if (!channel.isShutdown()) {
        channel.resetConnectBackoff();
      }
    });
  }
}

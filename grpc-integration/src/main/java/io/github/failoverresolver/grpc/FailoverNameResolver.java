package io.github.failoverresolver.grpc;

import io.github.failoverresolver.FailoverResolver;
import io.github.failoverresolver.NoEligibleTargetException;
import io.github.failoverresolver.Subscription;
import io.github.failoverresolver.Target;
import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Resolves one service for one channel: pushes the selected target's eligible addresses (one address
 * group each, in preference order, carrying the endpoint's authority for TLS) as soon as the routing table
 * changes, and again on {@link #refresh()}. Calls into gRPC happen in the channel's synchronization
 * context. {@link #shutdown()} ends the subscription.
 */
final class FailoverNameResolver extends NameResolver {
  private final FailoverResolver resolver;
  private final String service;
  private final SynchronizationContext sync;
  private Listener2 listener;
  private Subscription subscription;
  private boolean shutdown;
  private long lastGeneration = Long.MIN_VALUE; // of the last target pushed, in the sync context

  FailoverNameResolver(FailoverResolver resolver, String service, Args args) {
    this.resolver = resolver;
    this.service = service;
    this.sync = args.getSynchronizationContext();
  }

  @Override
  public String getServiceAuthority() {
    return service;
  }

  @Override
  public void start(Listener2 listener) {
    this.listener = listener;
    // the first delivery is the current target; later ones come on each change
    this.subscription = resolver.subscribe(service, target -> sync.execute(() -> push(target)));
  }

  @Override
  public void refresh() {
    // the policy's choice, as the subscription pushes it (not select(), which splits calls during a slow start:
    // a channel's address list follows the tier traffic returns to at once)
    List<Target> all = resolver.targets(service);
    Optional<Target> current = all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
    sync.execute(() -> push(current));
  }

  private void push(Optional<Target> target) {
    if (shutdown || listener == null) {
      return;
    }
    if (target.isEmpty()) {
      String why;
      try {
        resolver.select(service);
        why = "no eligible target";
      } catch (NoEligibleTargetException e) {
        why = e.getMessage();
      }
      listener.onError(Status.UNAVAILABLE.withDescription(why));
      return;
    }
    Target t = target.get();
    if (t.generation() < lastGeneration) {
      // a stale target: a refresh() that read the table before a change whose own push came first
      // (pushes reach this context in any order); going back to it would undo a failover
      return;
    }
    boolean changed = lastGeneration != Long.MIN_VALUE && t.generation() != lastGeneration;
    lastGeneration = t.generation();
    List<EquivalentAddressGroup> groups = new ArrayList<>();
    for (InetSocketAddress address : t.addresses()) {
      Attributes attrs = Attributes.newBuilder()
          .set(EquivalentAddressGroup.ATTR_AUTHORITY_OVERRIDE, t.authority())
          .build();
      groups.add(new EquivalentAddressGroup(address, attrs));
    }
    listener.onResult(ResolutionResult.newBuilder().setAddresses(groups).setAttributes(Attributes.EMPTY).build());
    if (changed) {
      // queued after the channel takes the new addresses: registered channels skip their reconnect backoff
      sync.execute(() -> FailoverChannels.routingChanged(resolver, service));
    }
  }

  @Override
  public void shutdown() {
    shutdown = true;
    if (subscription != null) {
      subscription.close();
      subscription = null;
    }
  }
}

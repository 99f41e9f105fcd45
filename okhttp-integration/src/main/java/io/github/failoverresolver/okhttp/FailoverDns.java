package io.github.failoverresolver.okhttp;

import io.github.failoverresolver.FailoverResolver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;
import okhttp3.Dns;

/**
 * OkHttp's {@link Dns} backed by a {@link FailoverResolver}: an endpoint's host name resolves at once to
 * its eligible (healthy and trusted) addresses in preference order, whatever any DNS TTL says; other host
 * names go to a delegate (by default the resolver's own cached DNS). A host with no eligible address
 * fails with an {@link UnknownHostException} that carries the reasons. Thread-safe.
 */
public final class FailoverDns implements Dns {
  private final FailoverResolver resolver;
  private final Dns delegate;

  private FailoverDns(FailoverResolver resolver, Dns delegate) {
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.delegate = delegate;
  }

  /** Endpoint hosts from the resolver's routing table, other hosts from its DNS cache. */
  public static FailoverDns of(FailoverResolver resolver) {
    return new FailoverDns(resolver, null);
  }

  /** Endpoint hosts from the resolver's routing table, other hosts from {@code delegate} (e.g. {@link Dns#SYSTEM}). */
  public static FailoverDns of(FailoverResolver resolver, Dns delegate) {
    return new FailoverDns(resolver, Objects.requireNonNull(delegate, "delegate"));
  }

  @Override
  public List<InetAddress> lookup(String hostname) throws UnknownHostException {
    if (delegate == null) {
      return resolver.resolve(hostname);
    }
    java.util.Optional<List<InetAddress>> endpoint = resolver.endpointAddresses(hostname);
    return endpoint.isPresent() ? endpoint.get() : delegate.lookup(hostname);
  }

  @Override
  public String toString() {
    return "FailoverDns";
  }
}

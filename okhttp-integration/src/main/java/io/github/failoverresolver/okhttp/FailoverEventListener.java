package io.github.failoverresolver.okhttp;

import io.github.failoverresolver.FailoverResolver;
import io.github.failoverresolver.Outcome;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.time.Duration;
import java.util.Objects;
import okhttp3.Call;
import okhttp3.Connection;
import okhttp3.EventListener;
import okhttp3.Protocol;
import okhttp3.Response;

/**
 * Reports what OkHttp observed per address to the resolver: every failed connect (so the address is
 * ejected before OkHttp tries the next one or the interceptor retries), retryable statuses as failures,
 * other responses as successes. One instance per call (see {@link #factory}); not shared between threads.
 */
public final class FailoverEventListener extends EventListener {
  private final FailoverResolver resolver;
  private final FailoverHttpSettings settings;
  private InetSocketAddress current;
  private long requestStart;

  private FailoverEventListener(FailoverResolver resolver, FailoverHttpSettings settings) {
    this.resolver = resolver;
    this.settings = settings;
  }

  public static EventListener.Factory factory(FailoverResolver resolver) {
    return factory(resolver, FailoverHttpSettings.defaults());
  }

  public static EventListener.Factory factory(FailoverResolver resolver, FailoverHttpSettings settings) {
    Objects.requireNonNull(resolver, "resolver");
    Objects.requireNonNull(settings, "settings");
    return call -> new FailoverEventListener(resolver, settings);
  }

  @Override
  public void connectFailed(Call call, InetSocketAddress address, Proxy proxy, Protocol protocol, IOException ioe) {
    resolver.report(address, Outcome.connectFailure(String.valueOf(ioe)));
  }

  @Override
  public void connectionAcquired(Call call, Connection connection) {
    current = connection.route().socketAddress();
  }

  /**
   * A connection going back to the pool whose address is no longer eligible is closed, so that no later
   * call reuses it (connections idle at a routing change are evicted by the interceptor; this covers the
   * ones that were busy then).
   */
  @Override
  public void connectionReleased(Call call, Connection connection) {
    InetSocketAddress address = connection.route().socketAddress();
    String host = connection.route().address().url().host();
    boolean eligible;
    try {
      // empty: not an endpoint of ours
      eligible = resolver.endpointAddresses(host).map(now -> now.contains(address.getAddress())).orElse(true);
    } catch (java.net.UnknownHostException noneLeft) {
      eligible = false;
    }
    if (!eligible) {
      try {
        connection.socket().close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  @Override
  public void requestHeadersStart(Call call) {
    requestStart = System.nanoTime();
  }

  @Override
  public void responseHeadersEnd(Call call, Response response) {
    if (current == null) {
      return;
    }
    if (settings.retryableStatuses().contains(response.code())) {
      resolver.report(current, Outcome.failure("HTTP " + response.code()));
    } else {
      resolver.report(current, Outcome.success(Duration.ofNanos(System.nanoTime() - requestStart)));
    }
  }

  @Override
  public void responseFailed(Call call, IOException ioe) {
    if (current != null) {
      resolver.report(current, Outcome.failure(String.valueOf(ioe)));
    }
  }
}

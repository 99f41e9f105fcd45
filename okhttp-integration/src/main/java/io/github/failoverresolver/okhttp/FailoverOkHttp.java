package io.github.failoverresolver.okhttp;

import io.github.failoverresolver.FailoverResolver;
import java.util.Objects;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;

/** Installs the whole OkHttp integration on a client builder in one call. */
public final class FailoverOkHttp {
  private FailoverOkHttp() {}

  /**
   * Dns, interceptor (with pool eviction) and event listener, with default settings. Also turns OkHttp's
   * fast fallback off: the interceptor's hedge moves a slow connect to the next eligible target, while
   * OkHttp's fast fallback would start a second attempt to the same silent address first (a blackholed
   * primary then cost two hedge delays instead of one).
   */
  public static OkHttpClient.Builder install(OkHttpClient.Builder builder, FailoverResolver resolver) {
    return install(builder, resolver, FailoverHttpSettings.defaults());
  }

  public static OkHttpClient.Builder install(OkHttpClient.Builder builder, FailoverResolver resolver,
      FailoverHttpSettings settings) {
    Objects.requireNonNull(builder, "builder");
    ConnectionPool pool = new ConnectionPool();
    return builder
        .connectionPool(pool)
        .fastFallback(false)
        .dns(FailoverDns.of(resolver))
        .addInterceptor(FailoverInterceptor.of(resolver, settings, pool))
        .eventListenerFactory(FailoverEventListener.factory(resolver, settings));
  }
}

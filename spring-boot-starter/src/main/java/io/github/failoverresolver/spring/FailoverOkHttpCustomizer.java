package io.github.failoverresolver.spring;

import io.github.failoverresolver.FailoverResolver;
import io.github.failoverresolver.okhttp.FailoverOkHttp;
import okhttp3.OkHttpClient;

/**
 * Wires an {@link OkHttpClient.Builder} to the application's resolver ({@link FailoverOkHttp#install}: the
 * {@code Dns}, the routing interceptor and the event listener). Inject it where clients are built:
 * {@code customizer.customize(new OkHttpClient.Builder()).build()}. Thread-safe.
 */
public class FailoverOkHttpCustomizer {
  private final FailoverResolver resolver;

  public FailoverOkHttpCustomizer(FailoverResolver resolver) {
    this.resolver = resolver;
  }

  public OkHttpClient.Builder customize(OkHttpClient.Builder builder) {
    return FailoverOkHttp.install(builder, resolver);
  }
}

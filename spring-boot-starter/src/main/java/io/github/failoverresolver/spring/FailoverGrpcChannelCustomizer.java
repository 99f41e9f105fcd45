package io.github.failoverresolver.spring;

import io.github.failoverresolver.FailoverResolver;
import io.github.failoverresolver.grpc.FailoverClientInterceptor;
import io.github.failoverresolver.grpc.FailoverNameResolverProvider;
import io.grpc.ManagedChannelBuilder;

/**
 * Wires gRPC channels to the application's resolver: makes {@code failover:///SERVICE} targets resolve
 * through it (for the life of the context) and adds the outcome-reporting interceptor to a channel builder:
 * {@code customizer.customize(Grpc.newChannelBuilder("failover:///payments", credentials)).build()}.
 * Thread-safe.
 */
public class FailoverGrpcChannelCustomizer implements AutoCloseable {
  private final FailoverResolver resolver;

  public FailoverGrpcChannelCustomizer(FailoverResolver resolver) {
    this.resolver = resolver;
    FailoverNameResolverProvider.use(resolver);
  }

  public <T extends ManagedChannelBuilder<T>> T customize(T builder) {
    return builder.intercept(FailoverClientInterceptor.of(resolver));
  }

  /** With the context: {@code failover:///} targets no longer resolve through a closed resolver. */
  @Override
  public void close() {
    FailoverNameResolverProvider.stopUsing(resolver); // another context's resolver stays
  }
}

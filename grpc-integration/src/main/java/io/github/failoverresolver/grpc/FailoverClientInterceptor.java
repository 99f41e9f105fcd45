package io.github.failoverresolver.grpc;

import io.github.failoverresolver.FailoverResolver;
import io.github.failoverresolver.Outcome;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Reports each call's outcome for the address it went to as a passive outcome: UNAVAILABLE (the transport
 * broke or the server is going away) counts as a connect failure and ejects the address at once, another
 * status in the failure set as a failure, others as a success. Calls that never reached a transport have
 * no address and are not reported (active checks cover those). Thread-safe.
 */
public final class FailoverClientInterceptor implements ClientInterceptor {
  private final FailoverResolver resolver;
  private final Set<Status.Code> failures;

  private FailoverClientInterceptor(FailoverResolver resolver, Set<Status.Code> failures) {
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.failures = Set.copyOf(failures);
  }

  public static FailoverClientInterceptor of(FailoverResolver resolver) {
    return new FailoverClientInterceptor(resolver, EnumSet.of(Status.Code.UNAVAILABLE));
  }

  /** @param failures the status codes that count as a failure of the address */
  public static FailoverClientInterceptor of(FailoverResolver resolver, Set<Status.Code> failures) {
    return new FailoverClientInterceptor(resolver, failures);
  }

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(MethodDescriptor<ReqT, RespT> method,
      CallOptions options, Channel next) {
    ClientCall<ReqT, RespT> call = next.newCall(method, options);
    return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
      private final long started = System.nanoTime();

      @Override
      public void start(Listener<RespT> listener, Metadata headers) {
        super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
          @Override
          public void onClose(Status status, Metadata trailers) {
            report(status);
            super.onClose(status, trailers);
          }
        }, headers);
      }

      private void report(Status status) {
        SocketAddress remote = delegate().getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        if (!(remote instanceof InetSocketAddress address)) {
          return;
        }
        try {
          if (failures.contains(status.getCode())) {
            resolver.report(address, status.getCode() == Status.Code.UNAVAILABLE
                ? Outcome.connectFailure("grpc UNAVAILABLE" + (status.getDescription() == null ? ""
                    : ": " + status.getDescription()))
                : Outcome.failure("grpc " + status.getCode()));
          } else {
            resolver.report(address, Outcome.success(Duration.ofNanos(System.nanoTime() - started)));
          }
        } catch (RuntimeException e) {
          // reporting must never break the call
        }
      }
    };
  }
}

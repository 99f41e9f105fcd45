package io.github.failoverresolver.grpc;

import io.github.failoverresolver.CredentialHandle;
import io.github.failoverresolver.FailoverResolver;
import io.github.failoverresolver.Target;
import io.grpc.CallCredentials;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Attaches, to each call, the credential of the endpoint the call actually goes to (found by the
 * transport's remote address, else by the call's authority), as {@code authorization: Bearer <secret>} by
 * default, whatever that endpoint's health (a call in flight to a primary being left keeps the primary's
 * credential). A call to an address that is no endpoint's fails UNAUTHENTICATED rather than carry another
 * endpoint's secret. Thread-safe.
 */
public final class FailoverCallCredentials extends CallCredentials {
  private final FailoverResolver resolver;
  private final String service;
  private final Metadata.Key<String> header;
  private final String scheme;

  private FailoverCallCredentials(FailoverResolver resolver, String service, String header, String scheme) {
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.service = Objects.requireNonNull(service, "service");
    this.header = Metadata.Key.of(header, Metadata.ASCII_STRING_MARSHALLER);
    this.scheme = Objects.requireNonNull(scheme, "scheme");
  }

  public static FailoverCallCredentials of(FailoverResolver resolver, String service) {
    return new FailoverCallCredentials(resolver, service, "authorization", "Bearer");
  }

  public static FailoverCallCredentials of(FailoverResolver resolver, String service, String header, String scheme) {
    return new FailoverCallCredentials(resolver, service, header, scheme);
  }

  @Override
  public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
    SocketAddress remote = info.getTransportAttrs().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    Optional<Target> owner = Optional.empty();
    if (remote instanceof InetSocketAddress address) {
      // the endpoint that owns the address, whatever its health: a call in flight to a primary being
      // left is still the primary's call
      owner = resolver.endpointAt(service, address);
    } else if (remote == null) {
      owner = resolver.targets(service).stream().filter(t -> t.authority().equals(info.getAuthority())).findFirst();
    }
    if (owner.isEmpty()) {
      applier.fail(Status.UNAUTHENTICATED.withDescription("the call goes to " + remote + " (" + info.getAuthority()
          + "), which is no endpoint of service '" + service + "': no credential attached"));
      return;
    }
    Target target = owner.get();
    executor.execute(() -> { // a session login may block: on gRPC's executor, never the transport's thread
      Optional<CredentialHandle> credential;
      try {
        credential = resolver.sessionCredential(target).or(target::credential);
      } catch (java.io.IOException e) {
        applier.fail(Status.UNAUTHENTICATED.withDescription(e.getMessage()));
        return;
      }
      Metadata md = new Metadata();
      credential.ifPresent(c -> md.put(header, scheme.isEmpty() ? c.secret().reveal() : scheme + " " + c.secret().reveal()));
      applier.apply(md);
    });
  }
}

package io.github.failoverresolver.grpc;

import io.github.failoverresolver.CredentialHandle;
import io.github.failoverresolver.FailoverResolver;
import io.github.failoverresolver.Target;
import io.grpc.CallCredentials;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Status;
import java.net.SocketAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Attaches, to each call, the credential of the endpoint the call actually goes to (found by the
 * transport's remote address, else by the call's authority), as {@code authorization: Bearer <secret>} by
 * default. A call to an address that is no endpoint's fails UNAUTHENTICATED rather than carry another
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
    Optional<CredentialHandle> credential = Optional.empty();
    boolean known = false;
    for (Target t : resolver.targets(service)) {
      if (t.addresses().contains(remote) || (remote == null && t.authority().equals(info.getAuthority()))) {
        credential = t.credential();
        known = true;
        break;
      }
    }
    if (!known) {
      applier.fail(Status.UNAUTHENTICATED.withDescription("the call goes to " + remote + " (" + info.getAuthority()
          + "), which is no eligible endpoint of service '" + service + "': no credential attached"));
      return;
    }
    Metadata md = new Metadata();
    credential.ifPresent(c -> md.put(header, scheme.isEmpty() ? c.secret().reveal() : scheme + " " + c.secret().reveal()));
    applier.apply(md);
  }
}

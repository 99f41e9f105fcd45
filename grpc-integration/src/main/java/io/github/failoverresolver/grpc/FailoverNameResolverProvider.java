package io.github.failoverresolver.grpc;

import io.github.failoverresolver.FailoverResolver;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code failover} scheme for gRPC channels: {@code failover:///payments} resolves the service
 * {@code payments} of a {@link FailoverResolver}, and {@code failover://name/payments} that of the resolver
 * registered under {@code name}. Found through {@code META-INF/services} (then it uses the resolvers given
 * to {@link #use} and {@link #register}), or made with {@link #FailoverNameResolverProvider(FailoverResolver)}
 * and added to a {@code NameResolverRegistry}. Thread-safe.
 */
public final class FailoverNameResolverProvider extends NameResolverProvider {
  public static final String SCHEME = "failover";
  private static final String DEFAULT = "";
  private static final Map<String, FailoverResolver> REGISTERED = new ConcurrentHashMap<>();

  private final FailoverResolver fixed;

  /** The provider {@code ServiceLoader} makes: resolvers come from {@link #use} and {@link #register}. */
  public FailoverNameResolverProvider() {
    this.fixed = null;
  }

  /** A provider bound to one resolver, for {@code NameResolverRegistry.register}. */
  public FailoverNameResolverProvider(FailoverResolver resolver) {
    this.fixed = Objects.requireNonNull(resolver, "resolver");
  }

  /** The resolver {@code failover:///service} targets use (process-wide). */
  public static void use(FailoverResolver resolver) {
    REGISTERED.put(DEFAULT, Objects.requireNonNull(resolver, "resolver"));
  }

  /** The resolver {@code failover://name/service} targets use (process-wide). */
  public static void register(String name, FailoverResolver resolver) {
    REGISTERED.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(resolver, "resolver"));
  }

  /** Stops {@code failover:///} targets resolving through {@code resolver}, if it is still the one {@link #use}d. */
  public static void stopUsing(FailoverResolver resolver) {
    REGISTERED.remove(DEFAULT, resolver);
  }

  public static void unregister(String name) {
    REGISTERED.remove(name);
  }

  @Override
  public NameResolver newNameResolver(URI target, NameResolver.Args args) {
    if (!SCHEME.equals(target.getScheme())) {
      return null;
    }
    String path = target.getPath() == null ? "" : target.getPath();
    String service = path.startsWith("/") ? path.substring(1) : path;
    if (service.isEmpty()) {
      throw new IllegalArgumentException("target '" + target + "' names no service: use failover:///<service>");
    }
    String name = target.getAuthority() == null ? DEFAULT : target.getAuthority();
    FailoverResolver resolver = fixed != null ? fixed : REGISTERED.get(name);
    if (resolver == null) {
      throw new IllegalArgumentException("no FailoverResolver for target '" + target + "': call "
          + (name.isEmpty() ? "FailoverNameResolverProvider.use(resolver)" : "register(\"" + name + "\", resolver)")
          + " first");
    }
    if (!resolver.services().contains(service)) {
      throw new IllegalArgumentException("target '" + target + "': unknown service '" + service + "'; configured: "
          + resolver.services());
    }
    return new FailoverNameResolver(resolver, service, args);
  }

  @Override
  public String getDefaultScheme() {
    return SCHEME;
  }

  @Override
  protected boolean isAvailable() {
    return true;
  }

  @Override
  protected int priority() {
    return fixed != null ? 6 : 5; // an explicitly registered instance wins over the ServiceLoader one
  }

  @Override
  public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
    return List.of(InetSocketAddress.class);
  }
}

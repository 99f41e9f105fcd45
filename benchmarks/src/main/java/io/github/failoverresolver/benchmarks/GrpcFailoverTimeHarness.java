package io.github.failoverresolver.benchmarks;

import io.github.failoverresolver.DnsCache;
import io.github.failoverresolver.DnsSettings;
import io.github.failoverresolver.FailoverResolver;
import io.github.failoverresolver.Upstreams;
import io.github.failoverresolver.grpc.FailoverClientInterceptor;
import io.github.failoverresolver.grpc.FailoverNameResolverProvider;
import io.github.failoverresolver.grpc.FailoverServiceConfig;
import io.github.failoverresolver.grpc.GrpcHealthCheck;
import io.github.failoverresolver.testing.LoopbackBlackhole;
import io.github.failoverresolver.testing.LoopbackDnsServer;
import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.EquivalentAddressGroup;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Failover through grpc-java (Netty, plaintext on loopback), measured against what a user would do instead,
 * in the same run, for four faults of the primary, from 8 client threads each making a unary call every
 * 20 ms (not wait-for-ready; 10 s deadline). Every channel has the same retry policy for the idempotent
 * method ({@link FailoverServiceConfig#retryOnUnavailable}), so the comparison is of the failover alone:
 * <ul>
 *   <li>{@code library}: {@code failover:///payments} with {@link FailoverClientInterceptor} and
 *       {@code FailoverChannels.reconnectOnChange} (gRPC health checks every 5 s), with {@code pick_first}
 *       and with {@code round_robin};</li>
 *   <li>{@code multi}: one DNS name answering both addresses, gRPC's {@code pick_first} falling back in
 *       order;</li>
 *   <li>{@code ttl}: one DNS record cached for its 30 s TTL (as the JVM does; gRPC re-resolves when a
 *       connection fails), switched to the backup by the operator the moment the fault starts.</li>
 * </ul>
 * Faults: {@code refused}, {@code blackholed} (connects hang), {@code draining} (health NOT_SERVING and the
 * method answers UNAVAILABLE), {@code api_unavailable} (the method answers UNAVAILABLE, health SERVING).
 * Prints one line per run: {@code client=grpc mode=.. policy=.. fault=.. requests=.. failed=..
 * first_backup_ms=.. p50_ms=.. p99_ms=.. max_ms=.. over_1s=..}.
 */
public final class GrpcFailoverTimeHarness {
  static final MethodDescriptor.Marshaller<String> UTF8 = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String parse(InputStream stream) {
      try {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };
  static final MethodDescriptor<String, String> SAY = MethodDescriptor.<String, String>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("test.Echo/Say")
      .setRequestMarshaller(UTF8).setResponseMarshaller(UTF8).build();
  private static final AtomicInteger SCHEMES = new AtomicInteger();

  private GrpcFailoverTimeHarness() {}

  /** A gRPC server answering test.Echo/Say with its name (or UNAVAILABLE once told), with health. */
  static final class Backend implements AutoCloseable {
    final String name;
    final Server server;
    final HealthStatusManager health = new HealthStatusManager();
    volatile boolean unavailable;

    Backend(String name, InetSocketAddress at) throws IOException {
      this.name = name;
      ServerServiceDefinition echo = ServerServiceDefinition.builder("test.Echo")
          .addMethod(SAY, ServerCalls.asyncUnaryCall((req, out) -> {
            if (unavailable) {
              out.onError(Status.UNAVAILABLE.withDescription(name + " is going away").asRuntimeException());
            } else {
              out.onNext(name);
              out.onCompleted();
            }
          }))
          .build();
      server = NettyServerBuilder.forAddress(at, InsecureServerCredentials.create())
          .addService(echo).addService(health.getHealthService()).build().start();
      health.setStatus("", ServingStatus.SERVING);
    }

    @Override
    public void close() throws InterruptedException {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  public static void main(String[] args) throws Exception {
    List<String> faults = List.of("refused", "blackholed", "draining", "api_unavailable");
    List<String> modes = List.of("library:pick_first", "library:round_robin", "multi:pick_first", "ttl:pick_first");
    boolean warmup = true;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--faults" -> faults = List.of(args[i + 1].split(","));
        case "--modes" -> modes = List.of(args[i + 1].split(","));
        case "--warmup" -> warmup = Boolean.parseBoolean(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (warmup) {
      // one unmeasured run of each mode first (see FailoverTimeHarness): every line below is of a warm JVM
      for (String m : modes) {
        String[] mp = m.split(":");
        if (!mp[0].equals("ttl")) {
          run(mp[0], mp.length > 1 ? mp[1] : "pick_first", "refused");
        }
      }
    }
    for (String fault : faults) {
      for (String m : modes) {
        String[] mp = m.split(":");
        LoadRun.Result r = run(mp[0], mp.length > 1 ? mp[1] : "pick_first", fault);
        System.out.println("client=grpc mode=" + mp[0] + " policy=" + (mp.length > 1 ? mp[1] : "pick_first")
            + " fault=" + fault + " " + r);
      }
    }
  }

  static LoadRun.Result run(String mode, String policy, String fault) throws Exception {
    Backend primary = new Backend("primary", new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
    int port = primary.server.getPort();
    Backend backup = new Backend("backup", new InetSocketAddress(InetAddress.getByName("127.0.0.2"), port));
    LoopbackBlackhole[] silent = {null};
    FailoverResolver resolver = null;
    DnsCache plainDns = null;
    ManagedChannel channel = null;
    try (LoopbackDnsServer dns = LoopbackDnsServer.start()) {
      dns.a("primary.test", FailoverTimeHarness.TTL_SECONDS, "127.0.0.1")
          .a("backup.test", FailoverTimeHarness.TTL_SECONDS, "127.0.0.2");
      String target;
      if (mode.equals("library")) {
        resolver = FailoverResolver.builder()
            .dns(DnsSettings.builder().provider("loopback", Upstreams.of(dns.hostAndPort())).build())
            .service("payments", s -> s
                .tier(0, "primary.test:" + port, e -> e.check(GrpcHealthCheck.of("", InsecureChannelCredentials.create())))
                .tier(1, "backup.test:" + port, e -> e.check(GrpcHealthCheck.of("", InsecureChannelCredentials.create()))))
            .build();
        LoadRun.awaitReady(resolver, "payments");
        String scheme = "failoverbench" + SCHEMES.incrementAndGet();
        NameResolverRegistry.getDefaultRegistry().register(new Renamed(new FailoverNameResolverProvider(resolver), scheme));
        target = scheme + ":///payments";
      } else {
        dns.a("payments.test", FailoverTimeHarness.TTL_SECONDS,
            mode.equals("multi") ? new String[] {"127.0.0.1", "127.0.0.2"} : new String[] {"127.0.0.1"});
        plainDns = DnsCache.create(DnsSettings.builder().provider("loopback", Upstreams.of(dns.hostAndPort()))
            .minTtl(Duration.ZERO).maxTtl(Duration.ZERO).maxStale(Duration.ZERO).build());
        LoadRun.TtlCachingDns cached = new LoadRun.TtlCachingDns(plainDns, Duration.ofSeconds(FailoverTimeHarness.TTL_SECONDS));
        String scheme = "dnsbench" + SCHEMES.incrementAndGet();
        NameResolverRegistry.getDefaultRegistry().register(new CachedDnsProvider(scheme, cached, port));
        target = scheme + ":///payments.test";
      }
      var builder = Grpc.newChannelBuilder(target, InsecureChannelCredentials.create())
          .defaultLoadBalancingPolicy(policy)
          .defaultServiceConfig(FailoverServiceConfig.retryOnUnavailable(List.of("test.Echo/Say")))
          .enableRetry();
      if (resolver != null) {
        builder.intercept(FailoverClientInterceptor.of(resolver));
      }
      channel = builder.build();
      if (resolver != null) {
        io.github.failoverresolver.grpc.FailoverChannels.reconnectOnChange(channel, resolver, "payments");
      }
      ManagedChannel c = channel;
      Runnable inject = () -> {
        try {
          switch (fault) {
            case "refused" -> primary.server.shutdownNow();
            case "blackholed" -> {
              primary.server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
              silent[0] = LoopbackBlackhole.on(InetAddress.getByName("127.0.0.1"), port);
            }
            case "draining" -> {
              primary.health.setStatus("", ServingStatus.NOT_SERVING);
              primary.unavailable = true;
            }
            case "api_unavailable" -> primary.unavailable = true;
            default -> throw new IllegalArgumentException("fault: " + fault);
          }
        } catch (IOException | InterruptedException e) {
          throw new IllegalStateException(e);
        }
        if (mode.equals("ttl")) {
          dns.a("payments.test", FailoverTimeHarness.TTL_SECONDS, "127.0.0.2"); // the operator's switch, at once
        }
      };
      Duration after = mode.equals("ttl") ? Duration.ofSeconds(FailoverTimeHarness.TTL_SECONDS + 3)
          : FailoverTimeHarness.AFTER_FAULT;
      return LoadRun.run(FailoverTimeHarness.THREADS, FailoverTimeHarness.PERIOD, FailoverTimeHarness.BEFORE_FAULT,
          after, inject, () -> {
            try {
              return ClientCalls.blockingUnaryCall(c, SAY, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                  "hi");
            } catch (RuntimeException e) {
              return null;
            }
          });
    } finally {
      if (channel != null) {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      if (resolver != null) {
        resolver.close();
      }
      if (plainDns != null) {
        plainDns.close();
      }
      primary.close();
      backup.close();
      if (silent[0] != null) {
        silent[0].close();
      }
    }
  }

  /** The library's provider under a scheme of its own (one per run, so runs never share a resolver). */
  static final class Renamed extends NameResolverProvider {
    private final FailoverNameResolverProvider delegate;
    private final String scheme;

    Renamed(FailoverNameResolverProvider delegate, String scheme) {
      this.delegate = delegate;
      this.scheme = scheme;
    }

    @Override
    public NameResolver newNameResolver(URI target, NameResolver.Args args) {
      if (!scheme.equals(target.getScheme())) {
        return null;
      }
      return delegate.newNameResolver(URI.create(FailoverNameResolverProvider.SCHEME + ":" + target.getRawSchemeSpecificPart()),
          args);
    }

    @Override
    public String getDefaultScheme() {
      return scheme;
    }

    @Override
    protected boolean isAvailable() {
      return true;
    }

    @Override
    protected int priority() {
      return 5;
    }
  }

  /** The status quo: the name through a TTL-honouring cache, re-resolved when gRPC asks (a failed connection). */
  static final class CachedDnsProvider extends NameResolverProvider {
    private final String scheme;
    private final LoadRun.TtlCachingDns dns;
    private final int port;

    CachedDnsProvider(String scheme, LoadRun.TtlCachingDns dns, int port) {
      this.scheme = scheme;
      this.dns = dns;
      this.port = port;
    }

    @Override
    public NameResolver newNameResolver(URI target, NameResolver.Args args) {
      if (!scheme.equals(target.getScheme())) {
        return null;
      }
      String host = target.getPath().substring(1);
      return new NameResolver() {
        private Listener2 listener;

        @Override
        public String getServiceAuthority() {
          return host;
        }

        @Override
        public void start(Listener2 l) {
          listener = l;
          resolve();
        }

        @Override
        public void refresh() {
          resolve();
        }

        private void resolve() {
          try {
            List<EquivalentAddressGroup> groups = new ArrayList<>();
            for (InetAddress a : dns.lookup(host)) {
              groups.add(new EquivalentAddressGroup(new InetSocketAddress(a, port)));
            }
            listener.onResult(ResolutionResult.newBuilder().setAddresses(groups).setAttributes(Attributes.EMPTY).build());
          } catch (IOException e) {
            listener.onError(Status.UNAVAILABLE.withDescription(String.valueOf(e)));
          }
        }

        @Override
        public void shutdown() {}
      };
    }

    @Override
    public String getDefaultScheme() {
      return scheme;
    }

    @Override
    protected boolean isAvailable() {
      return true;
    }

    @Override
    protected int priority() {
      return 5;
    }
  }
}

package io.github.failoverresolver.samples;

import io.github.failoverresolver.CredentialSources;
import io.github.failoverresolver.DnsSettings;
import io.github.failoverresolver.FailoverEvent;
import io.github.failoverresolver.FailoverResolver;
import io.github.failoverresolver.Upstreams;
import io.github.failoverresolver.grpc.FailoverCallCredentials;
import io.github.failoverresolver.grpc.FailoverChannels;
import io.github.failoverresolver.grpc.FailoverClientInterceptor;
import io.github.failoverresolver.grpc.FailoverServiceConfig;
import io.github.failoverresolver.grpc.FailoverNameResolverProvider;
import io.github.failoverresolver.grpc.GrpcHealthCheck;
import io.github.failoverresolver.testing.LoopbackDnsServer;
import io.github.failoverresolver.testing.TestCertificates;
import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The demo with gRPC: two TLS gRPC servers on loopback with the standard health service, a channel on
 * {@code failover:///payments}. The primary is shut down, then started again: the channel follows the
 * resolver's pushes, with no DNS TTL involved. Exits 0 by itself in about 20 s.
 */
public final class GrpcDemo {
  private static final long START = System.nanoTime();
  private static final MethodDescriptor.Marshaller<String> UTF8 = new MethodDescriptor.Marshaller<>() {
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
  private static final MethodDescriptor<String, String> BALANCE = MethodDescriptor.<String, String>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("demo.Payments/Balance")
      .setRequestMarshaller(UTF8).setResponseMarshaller(UTF8).build();

  public static void main(String[] args) throws Exception {
    System.exit(run() == 0 ? 0 : 1);
  }

  static Server server(String name, InetAddress bind, int port, TestCertificates.Issued cert) throws IOException {
    HealthStatusManager health = new HealthStatusManager();
    health.setStatus("", ServingStatus.SERVING);
    return NettyServerBuilder.forAddress(new InetSocketAddress(bind, port),
            TlsServerCredentials.newBuilder().keyManager(cert.keyManagers()).build())
        .addService(ServerServiceDefinition.builder("demo.Payments")
            .addMethod(BALANCE, ServerCalls.asyncUnaryCall((req, out) -> {
              out.onNext(name);
              out.onCompleted();
            })).build())
        .addService(health.getHealthService())
        .build().start();
  }

  static int run() throws Exception {
    TestCertificates.Authority ca = TestCertificates.authority("demo-ca");
    InetAddress one = InetAddress.getByName("127.0.0.1");
    InetAddress two = InetAddress.getByName("127.0.0.2");
    Server primary = server("primary", one, 0, ca.issue("primary.payments.demo", Duration.ofDays(90)));
    Server backup = server("backup", two, 0, ca.issue("backup.payments.demo", Duration.ofDays(90)));
    int primaryPort = primary.getPort();
    ChannelCredentials tls = TlsChannelCredentials.newBuilder().trustManager(ca.trustManager()).build();
    try (LoopbackDnsServer dns = LoopbackDnsServer.start()) {
      dns.zone("demo", 3600, 30).a("primary.payments.demo", 300, "127.0.0.1")
          .a("backup.payments.demo", 300, "127.0.0.2");
      Map<String, String> secrets = Map.of("P", "demo-primary-token", "B", "demo-backup-token");
      FailoverResolver resolver = FailoverResolver.builder()
          .dns(DnsSettings.builder().provider("loopback", Upstreams.of(dns.hostAndPort())).build())
          .service("payments", s -> s
              .tier(0, "primary.payments.demo:" + primaryPort, e -> e.check(GrpcHealthCheck.of("", tls))
                  .interval(Duration.ofSeconds(1)).credential(CredentialSources.env("P", secrets)))
              .tier(1, "backup.payments.demo:" + backup.getPort(), e -> e.check(GrpcHealthCheck.of("", tls))
                  .interval(Duration.ofSeconds(1)).credential(CredentialSources.env("B", secrets)))
              .failbackStability(Duration.ofSeconds(5)))
          .listener(GrpcDemo::onEvent)
          .build();
      FailoverNameResolverProvider.use(resolver);
      // Balance is idempotent: let gRPC retry it when its transport breaks under it (the call in flight when
      // the primary dies: UNAVAILABLE, or CANCELLED when the dying server resets the stream); the
      // interceptor's report has ejected the primary before the retry is sent
      ManagedChannel channel = Grpc.newChannelBuilder("failover:///payments", tls)
          .intercept(FailoverClientInterceptor.of(resolver))
          .defaultServiceConfig(FailoverServiceConfig.retryOnUnavailable(java.util.List.of("demo.Payments")))
          .enableRetry()
          .build();
      FailoverChannels.reconnectOnChange(channel, resolver, "payments");
      int failed = 0;
      Server revived = null;
      try {
        say("channel on failover:///payments; calling demo.Payments/Balance 10 times a second");
        String last = "";
        int total = 0;
        for (int i = 0; i < 170; i++) {
          if (i == 30) {
            primary.shutdownNow();
            say(">>> primary SHUT DOWN");
          }
          if (i == 70) {
            revived = server("primary", one, primaryPort, ca.issue("primary.payments.demo", Duration.ofDays(90)));
            say(">>> primary BACK on the same port; failback after 5 s of eligibility");
          }
          String servedBy;
          try {
            servedBy = ClientCalls.blockingUnaryCall(channel, BALANCE, CallOptions.DEFAULT
                .withDeadlineAfter(5, TimeUnit.SECONDS).withWaitForReady()
                .withCallCredentials(FailoverCallCredentials.of(resolver, "payments")), "balance?");
          } catch (StatusRuntimeException e) {
            servedBy = "FAILED " + e.getStatus().getCode();
            failed++;
          }
          total++;
          if (!servedBy.equals(last)) {
            say("call #%d served by %s", total, servedBy);
            last = servedBy;
          }
          Thread.sleep(100);
        }
        say("calls: %d, failed: %d", total, failed);
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        resolver.close();
        if (revived != null) {
          revived.shutdownNow();
        }
      }
      return failed;
    } finally {
      primary.shutdownNow();
      backup.shutdownNow();
    }
  }

  private static void onEvent(FailoverEvent e) {
    if (e instanceof FailoverEvent.Failover f) {
      say("event: FAILOVER tier %d -> %d (%s)", f.fromTier(), f.toTier(), f.toEndpoint());
    } else if (e instanceof FailoverEvent.Failback f) {
      say("event: FAILBACK tier %d -> %d after %.1f s stable", f.fromTier(), f.toTier(), f.stableFor().toMillis() / 1e3);
    } else if (e instanceof FailoverEvent.AddressDown d) {
      say("event: %s down: %s", d.address(), d.reason());
    } else if (e instanceof FailoverEvent.AddressEjected j) {
      say("event: %s ejected: %s", j.address(), j.reason());
    }
  }

  static void say(String format, Object... args) {
    System.out.printf("[%6.3f s] %s%n", (System.nanoTime() - START) / 1e9, String.format(format, args));
  }
}

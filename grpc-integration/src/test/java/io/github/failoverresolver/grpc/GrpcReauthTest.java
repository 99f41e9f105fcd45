package io.github.failoverresolver.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.failoverresolver.Credential;
import io.github.failoverresolver.CredentialSource;
import io.github.failoverresolver.FailoverEvent;
import io.github.failoverresolver.FailoverResolver;
import io.github.failoverresolver.SessionLogin;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Re-authentication after a cutover through real gRPC (Netty, plaintext on loopback): each server has its own
 * login method; after the primary turns NOT_SERVING, the backup's calls carry a session the backup issued,
 * one login for 50 concurrent calls, never the primary's session.
 */
class GrpcReauthTest {
  static final MethodDescriptor<String, String> LOGIN = GrpcFailoverTest.SAY.toBuilder()
      .setFullMethodName("test.Echo/Login").build();
  final List<FailoverEvent> events = new CopyOnWriteArrayList<>();
  final List<ManagedChannel> channels = new ArrayList<>();
  Backend primary;
  Backend backup;
  FailoverResolver resolver;

  static final class Backend {
    final String name;
    final Server server;
    final HealthStatusManager health = new HealthStatusManager();
    final List<String> authorizations = new CopyOnWriteArrayList<>();
    final AtomicInteger logins = new AtomicInteger();

    Backend(String name, InetAddress bind) throws Exception {
      this.name = name;
      ServerServiceDefinition echo = ServerServiceDefinition.builder("test.Echo")
          .addMethod(GrpcFailoverTest.SAY, ServerCalls.asyncUnaryCall((req, out) -> {
            out.onNext(name);
            out.onCompleted();
          }))
          .addMethod(LOGIN, ServerCalls.asyncUnaryCall((req, out) -> {
            out.onNext("session-" + name + "-" + logins.incrementAndGet()); // issued by this server
            out.onCompleted();
          }))
          .build();
      ServerInterceptor record = new ServerInterceptor() {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
          if (call.getMethodDescriptor().getFullMethodName().equals("test.Echo/Say")) {
            authorizations.add(String.valueOf(headers.get(GrpcFailoverTest.AUTHORIZATION)));
          }
          return next.startCall(call, headers);
        }
      };
      server = NettyServerBuilder.forAddress(new InetSocketAddress(bind, 0), InsecureServerCredentials.create())
          .addService(ServerInterceptors.intercept(echo, record))
          .addService(health.getHealthService())
          .build().start();
      health.setStatus("", ServingStatus.SERVING);
    }
  }

  /** Logs in with the endpoint's own Login method, over a channel straight to the address. */
  final SessionLogin login = endpoint -> {
    ManagedChannel direct = Grpc.newChannelBuilderForAddress(endpoint.address().getAddress().getHostAddress(),
        endpoint.address().getPort(), InsecureChannelCredentials.create()).build();
    try {
      String session = ClientCalls.blockingUnaryCall(direct, LOGIN, CallOptions.DEFAULT.withDeadlineAfter(5,
          TimeUnit.SECONDS), "login");
      return CredentialSource.Result.present(Credential.of("session", session));
    } finally {
      direct.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  };

  @AfterEach
  void close() throws Exception {
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (resolver != null) {
      FailoverNameResolverProvider.unregister("reauth");
      resolver.close();
    }
    primary.server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    backup.server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void afterACutoverTheBackupsCallsCarryItsOwnFreshSession() throws Exception {
    primary = new Backend("primary", InetAddress.getByName("127.0.0.1"));
    backup = new Backend("backup", InetAddress.getByName("127.0.0.2"));
    resolver = FailoverResolver.builder()
        .service("payments", s -> s
            .tier(0, "127.0.0.1:" + primary.server.getPort(), e -> e.check(GrpcHealthCheck.plaintext(""))
                .interval(Duration.ofMillis(300)).passiveFirst(false).sessionLogin(login))
            .tier(1, "127.0.0.2:" + backup.server.getPort(), e -> e.check(GrpcHealthCheck.plaintext(""))
                .interval(Duration.ofMillis(300)).sessionLogin(login)))
        .listener(events::add)
        .build();
    FailoverNameResolverProvider.register("reauth", resolver);
    ManagedChannel c = Grpc.newChannelBuilder("failover://reauth/payments", InsecureChannelCredentials.create())
        .intercept(FailoverClientInterceptor.of(resolver)).build();
    channels.add(c);
    FailoverChannels.reconnectOnChange(c, resolver, "payments");
    CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS).withWaitForReady()
        .withCallCredentials(FailoverCallCredentials.of(resolver, "payments"));
    assertEquals("primary", ClientCalls.blockingUnaryCall(c, GrpcFailoverTest.SAY, options, "hello"));
    assertEquals(List.of("Bearer session-primary-1"), primary.authorizations);

    primary.health.setStatus("", ServingStatus.NOT_SERVING);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!resolver.targets("payments").get(0).endpoint().startsWith("127.0.0.2")) {
      assertTrue(System.nanoTime() < deadline, "no failover in time");
      Thread.sleep(20);
    }
    ExecutorService pool = Executors.newFixedThreadPool(50);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<String>> served = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      served.add(pool.submit(() -> {
        go.await();
        return ClientCalls.blockingUnaryCall(c, GrpcFailoverTest.SAY, options, "hello");
      }));
    }
    go.countDown();
    for (Future<String> f : served) {
      assertEquals("backup", f.get(30, TimeUnit.SECONDS));
    }
    pool.shutdownNow();
    assertEquals(1, backup.logins.get(), "one login for 50 concurrent calls");
    assertEquals(List.of("Bearer session-backup-1"), backup.authorizations.stream().distinct().toList());
    assertEquals(50, backup.authorizations.size());
    assertEquals(1, events.stream().filter(FailoverEvent.CutoverReauthenticated.class::isInstance).count(),
        events.toString());
  }
}

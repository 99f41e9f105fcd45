package io.github.failoverresolver.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.failoverresolver.CredentialSources;
import io.github.failoverresolver.FailoverEvent;
import io.github.failoverresolver.ResolverFixture;
import io.github.failoverresolver.testing.TestCertificates;
import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real grpc-java clients and servers (Netty, TLS) on loopback, through the failover name resolver. */
class GrpcFailoverTest {
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
  static final MethodDescriptor<String, String> FAIL = SAY.toBuilder().setFullMethodName("test.Echo/Fail").build();
  static final MethodDescriptor<String, String> CANCEL = SAY.toBuilder().setFullMethodName("test.Echo/Cancel").build();
  static final MethodDescriptor<String, String> SLOW = SAY.toBuilder().setFullMethodName("test.Echo/Slow").build();
  static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  final ResolverFixture f = new ResolverFixture(Instant.now());
  final TestCertificates.Authority ca = TestCertificates.authority("test-ca");
  final ChannelCredentials tls = TlsChannelCredentials.newBuilder().trustManager(ca.trustManager()).build();
  final List<ManagedChannel> channels = new ArrayList<>();
  Backend primary;
  Backend backup;

  /** A gRPC server on 127.0.0.1 answering test.Echo/Say with its name, with the standard health service. */
  final class Backend {
    final String name;
    final Server server;
    final HealthStatusManager health = new HealthStatusManager();
    final List<String> authorizations = new CopyOnWriteArrayList<>();

    Backend(String name) throws IOException {
      this.name = name;
      TestCertificates.Issued cert = ca.issue(name + ".test", Duration.ofDays(30));
      ServerServiceDefinition echo = ServerServiceDefinition.builder("test.Echo")
          .addMethod(SAY, ServerCalls.asyncUnaryCall((req, out) -> {
            out.onNext(name);
            out.onCompleted();
          }))
          .addMethod(FAIL, ServerCalls.asyncUnaryCall((req, out) -> out.onError(
              io.grpc.Status.INTERNAL.withDescription("broken\nVERDICT: READY").asRuntimeException())))
          .addMethod(CANCEL, ServerCalls.asyncUnaryCall((req, out) -> out.onError(
              io.grpc.Status.CANCELLED.withDescription("server going away").asRuntimeException())))
          .addMethod(SLOW, ServerCalls.asyncUnaryCall((req, out) -> { })) // never answers
          .build();
      ServerInterceptor recordAuth = new ServerInterceptor() {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
          authorizations.add(String.valueOf(headers.get(AUTHORIZATION)));
          return next.startCall(call, headers);
        }
      };
      server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
              TlsServerCredentials.newBuilder().keyManager(cert.keyManagers()).build())
          .addService(ServerInterceptors.intercept(echo, recordAuth))
          .addService(health.getHealthService())
          .build()
          .start();
      health.setStatus("", ServingStatus.SERVING);
    }

    String endpoint() {
      return name + ".test:" + server.getPort();
    }
  }

  @BeforeEach
  void start() throws Exception {
    primary = new Backend("primary");
    backup = new Backend("backup");
    f.dns.a("primary.test", 300, "127.0.0.1").a("backup.test", 300, "127.0.0.1");
    Map<String, String> env = Map.of("P", "primary-secret", "B", "backup-secret");
    // these tests detect a change within one check interval although calls succeeded just before it:
    // passive-first probing would skip that interval's probe (a NOT_SERVING server still answers calls)
    f.start(r -> r.service("payments", s -> s
        .tier(0, primary.endpoint(), e -> e.check(GrpcHealthCheck.of("", tls)).passiveFirst(false)
            .credential(CredentialSources.env("P", env)))
        .tier(1, backup.endpoint(), e -> e.check(GrpcHealthCheck.of("", tls)).passiveFirst(false)
            .credential(CredentialSources.env("B", env)))));
    FailoverNameResolverProvider.use(f.resolver);
  }

  @AfterEach
  void stop() throws Exception {
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    primary.server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    backup.server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    f.close();
  }

  ManagedChannel channel(String policy) {
    ManagedChannel c = Grpc.newChannelBuilder("failover:///payments", tls)
        .defaultLoadBalancingPolicy(policy)
        .intercept(FailoverClientInterceptor.of(f.resolver))
        .build();
    channels.add(c);
    FailoverChannels.reconnectOnChange(c, f.resolver, "payments");
    return c;
  }

  String call(ManagedChannel c) {
    return ClientCalls.blockingUnaryCall(c, SAY, CallOptions.DEFAULT
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .withWaitForReady()
        .withCallCredentials(FailoverCallCredentials.of(f.resolver, "payments")), "hello");
  }

  @Test
  void primaryShutDownMidRunMovesTheChannelToTheBackupWithoutATtl() throws Exception {
    for (String policy : List.of("pick_first", "round_robin")) {
      ManagedChannel c = channel(policy);
      List<String> servedBy = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        if (i == 5 && policy.equals("pick_first")) {
          primary.server.shutdownNow();
          f.advanceSeconds(6); // one check interval: the health check fails, the channel gets the backup
        }
        servedBy.add(call(c));
      }
      if (policy.equals("pick_first")) {
        assertEquals(List.of("primary", "primary", "primary", "primary", "primary",
            "backup", "backup", "backup", "backup", "backup"), servedBy, policy);
      } else {
        assertEquals(List.of("backup"), servedBy.stream().distinct().toList(), policy);
      }
    }
    assertEquals(1, f.events(FailoverEvent.Failover.class).size());
  }

  @Test
  void primaryWhoseHealthTurnsNotServingIsLeftAndFailbackFollowsTheWindow() {
    ManagedChannel c = channel("pick_first");
    assertEquals("primary", call(c));
    primary.health.setStatus("", ServingStatus.NOT_SERVING);
    f.advanceSeconds(6);
    assertEquals("backup", call(c));
    assertTrue(f.events(FailoverEvent.AddressDown.class).get(0).reason().contains("NOT_SERVING"));

    primary.health.setStatus("", ServingStatus.SERVING);
    f.advanceSeconds(12); // two passing checks: eligible again
    assertEquals("backup", call(c), "not before the failback window");
    f.advanceSeconds(30);
    assertEquals("primary", call(c), "failback after the window, seen through the channel");
    assertEquals(1, f.events(FailoverEvent.Failback.class).size());
  }

  @Test
  void eachServerReceivesItsOwnCredentialNeverTheOther() {
    ManagedChannel c = channel("pick_first");
    call(c);
    primary.health.setStatus("", ServingStatus.NOT_SERVING);
    f.advanceSeconds(6);
    for (int i = 0; i < 3; i++) {
      assertEquals("backup", call(c));
    }
    assertEquals(List.of("Bearer primary-secret"), primary.authorizations.stream().distinct().toList());
    assertEquals(List.of("Bearer backup-secret"), backup.authorizations.stream().distinct().toList());
  }

  /**
   * Calls still bound to the primary's address after it turned NOT_SERVING (the service is on the backup
   * now) carry the primary's own credential, not an UNAUTHENTICATED refusal and never the backup's.
   */
  @Test
  void callsInFlightToANotServingPrimaryKeepItsOwnCredential() {
    assertEquals("primary", call(channel("pick_first")));
    primary.health.setStatus("", ServingStatus.NOT_SERVING);
    f.advanceSeconds(6);
    assertEquals("backup", f.resolver.select("payments").endpoint().split("\\.")[0]);
    // a channel still connected to the primary's address, as one with calls in flight is
    ManagedChannel bound = Grpc.newChannelBuilderForAddress("127.0.0.1", primary.server.getPort(), tls)
        .overrideAuthority("primary.test").build();
    channels.add(bound);
    primary.authorizations.clear();
    for (int i = 0; i < 3; i++) {
      assertEquals("primary", ClientCalls.blockingUnaryCall(bound, SAY, CallOptions.DEFAULT
          .withDeadlineAfter(5, TimeUnit.SECONDS)
          .withCallCredentials(FailoverCallCredentials.of(f.resolver, "payments")), "hello"));
    }
    assertEquals(List.of("Bearer primary-secret"), primary.authorizations.stream().distinct().toList());
  }

  /**
   * Honest mapping: a status in the failure set and a DEADLINE_EXCEEDED on a transport count as failures of
   * the address; CANCELLED (the server reset the stream, or the client gave up) is neither a success nor a
   * failure; OK is a success. Read from the address's consecutive failures (snapshot() runs on the loop,
   * after every report made before it).
   */
  @Test
  void statusesAreMappedHonestlyCancelledIsNobodysEvidence() {
    ManagedChannel c = Grpc.newChannelBuilder("failover:///payments", tls)
        .intercept(FailoverClientInterceptor.of(f.resolver, java.util.EnumSet.of(io.grpc.Status.Code.INTERNAL,
            io.grpc.Status.Code.DEADLINE_EXCEEDED)))
        .build();
    channels.add(c);
    assertEquals("primary", call(c));
    assertEquals(0, primaryFailures());
    unary(c, FAIL, 5_000);
    assertEquals(1, primaryFailures(), "INTERNAL is in the failure set");
    unary(c, CANCEL, 5_000);
    assertEquals(1, primaryFailures(), "CANCELLED is not a success: the count is not reset");
    unary(c, SLOW, 300);
    assertEquals(2, primaryFailures(), "DEADLINE_EXCEEDED on a transport is a failure");
    assertEquals("primary", call(c));
    assertEquals(0, primaryFailures(), "OK is a success");
    String reasons = f.resolver.snapshot().toString();
    assertTrue(!reasons.contains("\nVERDICT"), "a server's description is sanitised");
  }

  private int primaryFailures() {
    return f.resolver.snapshot().services().get(0).endpoints().get(0).addresses().get(0).passiveFailures();
  }

  private static void unary(ManagedChannel c, MethodDescriptor<String, String> method, long deadlineMs) {
    try {
      ClientCalls.blockingUnaryCall(c, method, CallOptions.DEFAULT.withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS),
          "x");
    } catch (io.grpc.StatusRuntimeException expected) {
      // the status is what the test looks at, through the resolver
    }
  }

  /**
   * The primary dies while no call is in flight and no health check runs (the virtual clock stands still):
   * the next call fails before reaching a transport, that failure is reported against the target the call
   * was meant for, the address is ejected, and the channel's next calls go to the backup, with either
   * load-balancing policy.
   */
  @Test
  void aCallThatNeverReachedATransportEjectsTheDeadPrimaryPickFirst() throws Exception {
    deadPrimaryWithNoCallInFlight("pick_first");
  }

  @Test
  void aCallThatNeverReachedATransportEjectsTheDeadPrimaryRoundRobin() throws Exception {
    deadPrimaryWithNoCallInFlight("round_robin");
  }

  private void deadPrimaryWithNoCallInFlight(String policy) throws Exception {
    ManagedChannel c = channel(policy);
    assertEquals("primary", call(c));
    primary.server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    int failed = 0;
    long start = System.nanoTime();
    String servedBy = "";
    java.util.Set<String> statuses = new java.util.LinkedHashSet<>();
    for (int i = 0; i < 200 && !servedBy.equals("backup"); i++) {
      try {
        servedBy = ClientCalls.blockingUnaryCall(c, SAY, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS)
            .withCallCredentials(FailoverCallCredentials.of(f.resolver, "payments")), "hello");
      } catch (io.grpc.StatusRuntimeException e) {
        failed++;
        statuses.add(e.getStatus() + " cause=" + e.getStatus().getCause());
      }
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    System.out.println(policy + ", primary killed with no call in flight: backup after " + failed
        + " failed calls, " + ms + " ms: " + statuses);
    assertEquals("backup", servedBy);
    assertEquals(1, f.events(FailoverEvent.Failover.class).size());
    assertTrue(f.events(FailoverEvent.AddressEjected.class).get(0).reason().contains("grpc UNAVAILABLE"),
        f.events(FailoverEvent.AddressEjected.class).toString());
  }

  /**
   * With the retry config for idempotent methods, a primary killed with no call in flight costs no failed
   * call at all, with either policy (calls are not wait-for-ready).
   */
  @Test
  void withTheRetryConfigADeadPrimaryCostsNoCallPickFirst() throws Exception {
    deadPrimaryWithRetries("pick_first");
  }

  @Test
  void withTheRetryConfigADeadPrimaryCostsNoCallRoundRobin() throws Exception {
    deadPrimaryWithRetries("round_robin");
  }

  private void deadPrimaryWithRetries(String policy) throws Exception {
    ManagedChannel c = Grpc.newChannelBuilder("failover:///payments", tls)
        .defaultLoadBalancingPolicy(policy)
        .defaultServiceConfig(FailoverServiceConfig.retryOnUnavailable(List.of("test.Echo/Say")))
        .enableRetry()
        .intercept(FailoverClientInterceptor.of(f.resolver))
        .build();
    channels.add(c);
    FailoverChannels.reconnectOnChange(c, f.resolver, "payments");
    assertEquals("primary", call(c));
    primary.server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    List<String> servedBy = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      servedBy.add(ClientCalls.blockingUnaryCall(c, SAY, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS)
          .withCallCredentials(FailoverCallCredentials.of(f.resolver, "payments")), "hello"));
    }
    assertEquals(List.of("backup"), servedBy.stream().distinct().toList(), policy);
  }

  /**
   * The primary goes silent (connects hang): the call waiting for a connection is hedged after 250 ms,
   * which ejects the primary, and it completes on the backup; the calls after it go straight there.
   */
  @Test
  void blackholedPrimaryIsLeftAfterTheConnectHedge() throws Exception {
    ManagedChannel c = channel("pick_first");
    assertEquals("primary", call(c));
    int port = primary.server.getPort();
    primary.server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    try (io.github.failoverresolver.testing.LoopbackBlackhole silent =
        io.github.failoverresolver.testing.LoopbackBlackhole.on(InetAddress.getByName("127.0.0.1"), port)) {
      List<String> servedBy = new ArrayList<>();
      List<Long> millis = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        long t0 = System.nanoTime();
        servedBy.add(call(c));
        millis.add((System.nanoTime() - t0) / 1_000_000);
      }
      assertEquals(List.of("backup"), servedBy.stream().distinct().toList());
      assertTrue(f.events(FailoverEvent.AddressEjected.class).stream()
          .anyMatch(e -> e.reason().contains("connect hedge")), f.events(FailoverEvent.AddressEjected.class).toString());
      assertTrue(millis.get(0) < 4_000, "the first call did not wait for its deadline: " + millis);
      System.out.println("gRPC, blackholed primary, call times (ms): " + millis);
    }
  }

  @Test
  void theRetryConfigNamesTheCulprit() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> FailoverServiceConfig.retryOnUnavailable(List.of("test.Echo/")));
    assertTrue(e.getMessage().contains("'test.Echo/'"), e.getMessage());
  }

  @Test
  void closedChannelsLeaveNoSubscriptionsOrThreadsBehind() throws Exception {
    for (int i = 0; i < 10; i++) { // warm-up: gRPC's shared executors and event loops exist after this
      cycle();
    }
    int threadsBefore = Thread.activeCount();
    for (int i = 0; i < 100; i++) {
      cycle();
    }
    assertEquals(0, f.resolver.subscriberCount("payments"));
    int threadsAfter = Thread.activeCount();
    assertTrue(threadsAfter <= threadsBefore + 4, "threads before " + threadsBefore + ", after " + threadsAfter);
  }

  private void cycle() throws InterruptedException {
    ManagedChannel c = Grpc.newChannelBuilder("failover:///payments", tls).build();
    assertEquals("primary", call(c));
    assertEquals(1, f.resolver.subscriberCount("payments"));
    c.shutdownNow();
    assertTrue(c.awaitTermination(5, TimeUnit.SECONDS));
  }

  @Test
  void unknownServiceIsNamedWhenTheChannelIsBuilt() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> Grpc.newChannelBuilder("failover:///nope", tls).build());
    assertEquals("target 'failover:///nope': unknown service 'nope'; configured: [payments]", e.getMessage());
  }

  @Test
  void explicitlyRegisteredProviderIsUsedForItsNamedTarget() {
    FailoverNameResolverProvider.register("billing-resolver", f.resolver);
    try {
      ManagedChannel c = Grpc.newChannelBuilder("failover://billing-resolver/payments", tls).build();
      channels.add(c);
      assertEquals("primary", call(c));
    } finally {
      FailoverNameResolverProvider.unregister("billing-resolver");
    }
  }

  @Test
  void providerInstanceAddedToTheRegistryServesTheScheme() {
    FailoverNameResolverProvider explicit = new FailoverNameResolverProvider(f.resolver);
    io.grpc.NameResolverRegistry.getDefaultRegistry().register(explicit);
    try {
      ManagedChannel c = Grpc.newChannelBuilder("failover:///payments", tls).build();
      channels.add(c);
      assertEquals("primary", call(c));
    } finally {
      io.grpc.NameResolverRegistry.getDefaultRegistry().deregister(explicit);
    }
  }
}

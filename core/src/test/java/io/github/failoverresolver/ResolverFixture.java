package io.github.failoverresolver;

import io.github.failoverresolver.testing.LoopbackDnsServer;
import io.github.failoverresolver.testing.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A {@link FailoverResolver} on virtual time against a loopback DNS server: timers fire when the test
 * advances the clock, and checks, the control loop and listeners run on the test's thread (unless a test
 * passes its own check executor), so a test sees every consequence of a step before its next line.
 */
public final class ResolverFixture implements AutoCloseable {
  public final ManualScheduler time;
  public final LoopbackDnsServer dns;
  public final List<FailoverEvent> events = new CopyOnWriteArrayList<>();
  final List<AutoCloseable> closeables = new ArrayList<>();
  public FailoverResolver resolver;

  public ResolverFixture() {
    this(java.time.Instant.parse("2026-01-01T00:00:00Z"));
  }

  /** Virtual time starting at {@code start} (real now, for tests of real certificates' dates). */
  public ResolverFixture(java.time.Instant start) {
    time = new ManualScheduler(start);
    dns = LoopbackDnsServer.start(time.clock());
    dns.zone("test", 3600, 30);
  }

  /** Builds the resolver; {@code services} adds services, {@code more} may change anything else. */
  public FailoverResolver start(Consumer<FailoverResolver.Builder> services) {
    return start(services, b -> b, time);
  }

  /** @param checks runs checks, trust rounds and lookups; null for the resolver's own bounded pools */
  public FailoverResolver start(Consumer<FailoverResolver.Builder> services, UnaryOperator<FailoverResolver.Builder> more,
      Executor checks) {
    FailoverResolver.Builder b = FailoverResolver.builder()
        .dns(DnsSettings.builder().provider("loopback", Upstreams.of(dns.hostAndPort()))
            .queryTimeout(Duration.ofMillis(500)).build())
        .clock(time.clock())
        .scheduler(time);
    if (checks != null) {
      b.checkExecutor(checks);
    }
    b.controlExecutor(Runnable::run)
        .listenerExecutor(Runnable::run)
        .random(new java.util.Random(7))
        .listener(events::add);
    services.accept(b);
    resolver = more.apply(b).build();
    return resolver;
  }

  public <T extends AutoCloseable> T closeLater(T c) {
    closeables.add(c);
    return c;
  }

  public void advance(Duration d) {
    time.advance(d);
  }

  public void advanceSeconds(double s) {
    time.advance(Duration.ofMillis(Math.round(s * 1000)));
  }

  /**
   * The endpoint the policy serves (the first of {@code targets}): during a slow start after a failback,
   * {@code select} still hands out the tier traffic came back from for part of the calls.
   */
  public String selected(String service) {
    return resolver.targets(service).get(0).endpoint();
  }

  public <T extends FailoverEvent> List<T> events(Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  @Override
  public void close() throws Exception {
    if (resolver != null) {
      resolver.close();
    }
    for (AutoCloseable c : closeables) {
      c.close();
    }
    dns.close();
  }
}

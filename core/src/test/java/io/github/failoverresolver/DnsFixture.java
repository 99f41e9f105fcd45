package io.github.failoverresolver;

import io.github.failoverresolver.testing.LoopbackDnsServer;
import io.github.failoverresolver.testing.ManualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * A DNS cache on virtual time against loopback DNS servers: background work runs on the test's thread
 * when the test advances the clock, and events are delivered at once, so every test is deterministic.
 */
final class DnsFixture implements AutoCloseable {
  final ManualScheduler time = new ManualScheduler();
  final LoopbackDnsServer primary = LoopbackDnsServer.start(time.clock());
  final LoopbackDnsServer secondary = LoopbackDnsServer.start(time.clock());
  final List<FailoverEvent> events = new CopyOnWriteArrayList<>();
  final DnsCache cache;

  /** One provider, "primary", with default settings. */
  DnsFixture() {
    this(b -> b);
  }

  /** Providers "primary" then "secondary"; {@code settings} may change anything else. */
  DnsFixture(UnaryOperator<DnsSettings.Builder> settings) {
    DnsSettings.Builder b = DnsSettings.builder()
        .provider("primary", Upstreams.of(primary.hostAndPort()))
        .provider("secondary", Upstreams.of(secondary.hostAndPort()))
        .queryTimeout(Duration.ofMillis(500));
    cache = DnsCache.builder(settings.apply(b).build())
        .clock(time.clock())
        .scheduler(time)
        .executor(time)
        .listenerExecutor(Runnable::run)
        .listener(events::add)
        .random(new java.util.Random(42))
        .build();
  }

  void advance(Duration d) {
    time.advance(d);
  }

  void advanceSeconds(double s) {
    time.advance(Duration.ofMillis((long) (s * 1000)));
  }

  <T extends FailoverEvent> List<T> events(Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  @Override
  public void close() {
    cache.close();
    primary.close();
    secondary.close();
  }
}

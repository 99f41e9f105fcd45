package io.github.failoverresolver;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.failoverresolver.testing.LoopbackDnsServer;
import io.github.failoverresolver.testing.ManualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever the sequence of answers, failures, lookups and clock moves, no answer is served as fresh past
 * its lifetime, nor at all past its lifetime plus maxStale. Real UDP to a loopback server, virtual time.
 */
class DnsCacheProperties {
  static final Duration MIN_TTL = Duration.ofSeconds(2);
  static final Duration MAX_TTL = Duration.ofSeconds(60);
  static final Duration MAX_STALE = Duration.ofSeconds(30);

  sealed interface Step {}

  /** The server starts answering a new address with this TTL. */
  record Publish(int ttlSeconds) implements Step {}

  record Failing(boolean on) implements Step {}

  record Advance(int millis) implements Step {}

  record Lookup() implements Step {}

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Step> publish = Arbitraries.integers().between(0, 120).map(Publish::new);
    Arbitrary<Step> failing = Arbitraries.of(true, false).map(Failing::new);
    // whole seconds hit TTL boundaries exactly; milliseconds land anywhere between
    Arbitrary<Step> advance = Arbitraries.oneOf(
            Arbitraries.integers().between(0, 90).map(s -> s * 1000),
            Arbitraries.integers().between(0, 90_000))
        .map(Advance::new);
    Arbitrary<Step> lookup = Arbitraries.just(new Lookup());
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(1, publish),
            net.jqwik.api.Tuple.of(1, failing),
            net.jqwik.api.Tuple.of(3, advance),
            net.jqwik.api.Tuple.of(4, lookup))
        .list().ofMinSize(1).ofMaxSize(40);
  }

  @Property(tries = 200)
  void noAnswerIsServedFreshPastItsLifetimeNorAtAllPastMaxStale(@ForAll("steps") List<Step> steps) throws Exception {
    ManualScheduler time = new ManualScheduler();
    try (LoopbackDnsServer server = LoopbackDnsServer.start(time.clock());
        DnsCache cache = DnsCache.builder(DnsSettings.builder()
                .provider("only", Upstreams.of(server.hostAndPort()))
                .minTtl(MIN_TTL).maxTtl(MAX_TTL).maxStale(MAX_STALE)
                .build())
            .clock(time.clock()).scheduler(time).executor(time).listenerExecutor(Runnable::run)
            .build()) {
      Map<String, Duration> lifetimeOf = new HashMap<>();
      int version = 0;
      boolean failing = false;
      Instant failingEnded = Instant.MIN; // failures are cached (RFC 9520) for at most staleRecheck after
      lifetimeOf.put(publish(server, version, 10), lifetime(10));
      for (Step step : steps) {
        if (step instanceof Publish p) {
          lifetimeOf.put(publish(server, ++version, p.ttlSeconds()), lifetime(p.ttlSeconds()));
        } else if (step instanceof Failing fl) {
          if (failing && !fl.on()) {
            failingEnded = time.now();
          }
          failing = fl.on();
          server.fault(failing ? LoopbackDnsServer.Fault.SERVFAIL : LoopbackDnsServer.Fault.NONE);
        } else if (step instanceof Advance a) {
          time.advance(Duration.ofMillis(a.millis()));
        } else {
          Instant now = time.now();
          DnsAnswer answer;
          try {
            answer = cache.lookup("prop.test", RecordType.A);
          } catch (DnsLookupException e) {
            assertTrue(failing || now.isBefore(failingEnded.plus(Duration.ofSeconds(30))),
                "a lookup fails only while the provider fails, or within staleRecheck (30 s) after: " + e.getMessage());
            continue;
          }
          String ip = answer.addresses().get(0).getHostAddress();
          Instant servedAt = lastServed(server, ip, now);
          Instant freshEnd = servedAt.plus(lifetimeOf.get(ip));
          if (!answer.stale()) {
            assertTrue(now.isBefore(freshEnd), "served fresh at " + now + " but " + ip + " was fresh until " + freshEnd);
          }
          assertTrue(now.isBefore(freshEnd.plus(MAX_STALE)),
              "served at " + now + " but " + ip + " could be served stale only until " + freshEnd.plus(MAX_STALE));
          assertFalse(answer.isNegative());
        }
      }
    }
  }

  private static String publish(LoopbackDnsServer server, int version, int ttl) {
    String ip = "127.0." + (version / 250) + "." + (version % 250 + 1);
    server.a("prop.test", ttl, ip);
    return ip;
  }

  private static Duration lifetime(int ttlSeconds) {
    Duration d = Duration.ofSeconds(ttlSeconds);
    return d.compareTo(MIN_TTL) < 0 ? MIN_TTL : d.compareTo(MAX_TTL) > 0 ? MAX_TTL : d;
  }

  /** When the server last answered with {@code ip}, as its own log says. */
  private static Instant lastServed(LoopbackDnsServer server, String ip, Instant notAfter) {
    return server.queries().stream()
        .filter(q -> q.response().equals("NOERROR " + ip) && !q.at().isAfter(notAfter))
        .map(LoopbackDnsServer.Query::at)
        .max(Instant::compareTo)
        .orElseThrow(() -> new AssertionError(ip + " was served although the server never answered it"));
  }
}

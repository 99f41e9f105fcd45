package io.github.failoverresolver;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.failoverresolver.testing.LoopbackDnsServer;
import java.time.Duration;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Random wire data through the real transport and cache (loopback UDP and TCP): answers mangled at random
 * by both providers. Whatever comes back, a lookup either answers or throws {@link DnsLookupException} (no
 * other exception escapes), never outlives its deadline, and nothing is cached under a name it does not
 * belong to.
 */
class WireFuzzProperties {
  static final Duration TIMEOUT = Duration.ofMillis(100);

  @Property(tries = 25)
  void mangledAnswersNeverEscapeAsExceptionsHangsOrForeignEntries(@ForAll long seed) throws Exception {
    try (DnsFixture f = new DnsFixture(b -> b.queryTimeout(TIMEOUT))) {
      f.primary.zone("test", 3600, 30).a("fuzz.test", 60, "127.0.0.5", "127.0.0.6").cname("alias.test", 60,
          "fuzz.test").fault(LoopbackDnsServer.Fault.MANGLE).fuzzSeed(seed);
      f.secondary.zone("test", 3600, 30).a("fuzz.test", 60, "127.0.0.7").fault(LoopbackDnsServer.Fault.MANGLE)
          .fuzzSeed(~seed);
      for (String name : new String[] {"fuzz.test", "alias.test"}) {
        for (RecordType type : new RecordType[] {RecordType.A, RecordType.AAAA}) {
          long start = System.nanoTime();
          try {
            DnsAnswer a = f.cache.lookup(name, type);
            assertTrue(a.name().equals(name + ".") || a.name().equals(name), "answer for " + a.name() + " to " + name);
          } catch (DnsLookupException expected) {
            // a mangled answer is no answer
          }
          long ms = (System.nanoTime() - start) / 1_000_000;
          // two providers, each bounded by the query timeout (a CNAME may take one more query), plus slack
          assertTrue(ms <= 3 * 2 * TIMEOUT.toMillis() + 500, name + " " + type + " took " + ms + " ms");
          Optional<DnsAnswer> cached = f.cache.peek(name, type);
          cached.ifPresent(c -> assertTrue(c.name().startsWith(name), "cached under " + name + ": " + c.name()));
        }
      }
    }
  }
}

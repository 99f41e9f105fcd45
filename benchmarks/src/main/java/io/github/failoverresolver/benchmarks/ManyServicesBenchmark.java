package io.github.failoverresolver.benchmarks;

import io.github.failoverresolver.DnsSettings;
import io.github.failoverresolver.FailoverResolver;
import io.github.failoverresolver.Outcome;
import io.github.failoverresolver.Target;
import io.github.failoverresolver.Upstreams;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A resolver of many services, as a client sees it: {@code report(address, success)} on a healthy address
 * next to {@code ConcurrentHashMap.get} of equal keys in the same run; also the state of
 * {@link SelectBenchmark}'s case of {@code select()} of a random service with a new, equal String per call
 * (as {@code url.host()} gives). The
 * endpoints are IP literals with no active check (healthy at once): no socket is opened.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ManyServicesBenchmark {
  @Param({"500", "5000"})
  public int services;

  private FailoverResolver resolver;
  private final ConcurrentHashMap<String, Target> byName = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<InetSocketAddress, Target> byAddress = new ConcurrentHashMap<>();
  private String[] names;
  private InetSocketAddress[] addresses;
  private final Outcome success = Outcome.success(java.time.Duration.ofMillis(3));

  /** A per-thread cursor into the random sequence of keys. */
  @State(Scope.Thread)
  public static class Cursor {
    int[] order;
    int i;

    @Setup(Level.Trial)
    public void setUp(ManyServicesBenchmark b) {
      SplittableRandom r = new SplittableRandom(7);
      order = new int[4096];
      for (int k = 0; k < order.length; k++) {
        order[k] = r.nextInt(b.services);
      }
    }

    int next() {
      return order[i++ & (order.length - 1)];
    }
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    names = new String[services];
    addresses = new InetSocketAddress[services];
    FailoverResolver.Builder b = FailoverResolver.builder()
        .dns(DnsSettings.builder().provider("none", Upstreams.of("127.0.0.1:9")).build());
    for (int i = 0; i < services; i++) {
      names[i] = "svc-" + i;
      int n = i;
      addresses[i] = new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 1, (byte) (i >> 8), (byte) i}),
          8443);
      b.service(names[i], s -> s.tier(0, addresses[n].getAddress().getHostAddress() + ":8443"));
    }
    resolver = b.build();
    long deadline = System.nanoTime() + 10_000_000_000L;
    for (int i = 0; i < services; i++) {
      while (true) {
        try {
          Target t = resolver.select(names[i]);
          byName.put(names[i], t);
          // a key equal to, not the same object as, the one looked up: as in the resolver's own index (and as
          // an HTTP client's socket address is never the object the resolver stored)
          byAddress.put(new InetSocketAddress(InetAddress.getByAddress(addresses[i].getAddress().getAddress()),
              addresses[i].getPort()), t);
          break;
        } catch (RuntimeException notYet) {
          if (System.nanoTime() > deadline) {
            throw notYet;
          }
          Thread.sleep(1);
        }
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    resolver.close();
  }

  /** Measured in {@link SelectBenchmark#selectRandomOfManyServicesNewString}. */
  Target selectNewString(Cursor c) {
    return resolver.select(new String(names[c.next()]));
  }

  /** Measured in {@link SelectBenchmark#baselineConcurrentHashMapGetOfManyNewString}. */
  Target mapGetNewString(Cursor c) {
    return byName.get(new String(names[c.next()]));
  }

  @Benchmark
  public void reportSuccessOnHealthyAddress(Cursor c) {
    resolver.report(addresses[c.next()], success);
  }

  @Benchmark
  public Target baselineConcurrentHashMapGetAddress(Cursor c) {
    return byAddress.get(addresses[c.next()]);
  }
}

package io.github.failoverresolver.benchmarks;

import io.github.failoverresolver.DnsSettings;
import io.github.failoverresolver.FailoverResolver;
import io.github.failoverresolver.HealthChecks;
import io.github.failoverresolver.Target;
import io.github.failoverresolver.Upstreams;
import io.github.failoverresolver.testing.LoopbackDnsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The hot path: {@code select()} and {@code resolve()} of a warm resolver (two tiers, real TCP checks
 * against loopback listeners) next to the baselines {@code ConcurrentHashMap.get} and the JVM's cached
 * {@code InetAddress.getAllByName("localhost")}, in the same run. Run with {@code -t 1} and {@code -t 2},
 * and {@code -prof gc} to see the allocation per operation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SelectBenchmark {
  private LoopbackDnsServer dns;
  private ServerSocket primary;
  private ServerSocket backup;
  private FailoverResolver resolver;
  private final ConcurrentHashMap<String, Target> map = new ConcurrentHashMap<>();

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    dns = LoopbackDnsServer.start();
    primary = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    backup = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    dns.a("primary.bench", 3600, "127.0.0.1").a("backup.bench", 3600, "127.0.0.1");
    resolver = FailoverResolver.builder()
        .dns(DnsSettings.builder().provider("loopback", Upstreams.of(dns.hostAndPort())).build())
        .service("payments", s -> s
            .tier(0, "primary.bench:" + primary.getLocalPort(), e -> e.check(HealthChecks.tcp()))
            .tier(1, "backup.bench:" + backup.getLocalPort(), e -> e.check(HealthChecks.tcp())))
        .build();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      try {
        map.put("payments", resolver.select("payments"));
        break;
      } catch (RuntimeException notYet) {
        if (System.nanoTime() > deadline) {
          throw notYet;
        }
        Thread.sleep(10);
      }
    }
    InetAddress.getAllByName("localhost");
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    resolver.close();
    primary.close();
    backup.close();
    dns.close();
  }

  @Benchmark
  public Target select() {
    return resolver.select("payments");
  }

  @Benchmark
  public List<InetAddress> resolve() throws UnknownHostException {
    return resolver.resolve("primary.bench");
  }

  @Benchmark
  public Target baselineConcurrentHashMapGet() {
    return map.get("payments");
  }

  /** A random service among {@code services} (500, 5,000), named by a new, equal String per call. */
  @Benchmark
  public Target selectRandomOfManyServicesNewString(ManyServicesBenchmark many, ManyServicesBenchmark.Cursor c) {
    return many.selectNewString(c);
  }

  /** The same keys from a {@code ConcurrentHashMap}, in the same run. */
  @Benchmark
  public Target baselineConcurrentHashMapGetOfManyNewString(ManyServicesBenchmark many, ManyServicesBenchmark.Cursor c) {
    return many.mapGetNewString(c);
  }

  @Benchmark
  public InetAddress[] baselineInetAddressCached() throws UnknownHostException {
    return InetAddress.getAllByName("localhost");
  }
}

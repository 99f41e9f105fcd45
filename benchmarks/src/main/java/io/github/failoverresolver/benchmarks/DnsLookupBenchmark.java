package io.github.failoverresolver.benchmarks;

import io.github.failoverresolver.DnsAnswer;
import io.github.failoverresolver.DnsCache;
import io.github.failoverresolver.DnsLookupException;
import io.github.failoverresolver.DnsSettings;
import io.github.failoverresolver.RecordType;
import io.github.failoverresolver.Upstreams;
import io.github.failoverresolver.testing.LoopbackDnsServer;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
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
 * A warm {@link DnsCache#lookup} against the baselines of a plain {@code ConcurrentHashMap.get} and the
 * JVM's cached {@code InetAddress.getAllByName("localhost")}, all in the same run. Loopback only.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DnsLookupBenchmark {
  private LoopbackDnsServer server;
  private DnsCache cache;
  private final ConcurrentHashMap<String, DnsAnswer> map = new ConcurrentHashMap<>();

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    server = LoopbackDnsServer.start();
    server.a("payments.bench", 3600, "127.0.0.10", "127.0.0.11");
    cache = DnsCache.create(DnsSettings.builder()
        .provider("loopback", Upstreams.of(server.hostAndPort()))
        .maxTtl(Duration.ofHours(1))
        .build());
    map.put("payments.bench.", cache.lookup("payments.bench", RecordType.A));
    InetAddress.getAllByName("localhost");
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    cache.close();
    server.close();
  }

  @Benchmark
  public DnsAnswer dnsCacheLookup() throws DnsLookupException {
    return cache.lookup("payments.bench", RecordType.A);
  }

  @Benchmark
  public DnsAnswer baselineConcurrentHashMapGet() {
    return map.get("payments.bench.");
  }

  @Benchmark
  public InetAddress[] baselineInetAddressCached() throws UnknownHostException {
    return InetAddress.getAllByName("localhost");
  }
}

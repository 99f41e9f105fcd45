package io.github.failoverresolver;

import io.github.failoverresolver.internal.EventDispatcher;
import io.github.failoverresolver.internal.MonotonicClock;
import io.github.failoverresolver.internal.dns.DnsEngine;
import io.github.failoverresolver.internal.dns.ServerSpecs;
import io.github.failoverresolver.internal.dns.SrvOrder;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.random.RandomGenerator;

/**
 * A DNS client with a cache of answers: TTLs clamped, negative answers cached (RFC 2308), entries in
 * use refreshed in the background before they expire, expired answers served when no provider answers
 * (RFC 8767, bounded by {@code maxStale}), and one upstream query however many callers miss at once.
 * Thread-safe; a warm lookup takes no lock and does no I/O. {@link #close()} stops every thread it
 * started.
 */
public final class DnsCache implements AutoCloseable {
  private final DnsEngine engine;
  private final RandomGenerator random;

  private DnsCache(DnsEngine engine, RandomGenerator random) {
    this.engine = engine;
    this.random = random;
  }

  /** A view of an engine owned by someone else (the {@link FailoverResolver}). */
  static DnsCache wrap(DnsEngine engine, RandomGenerator random) {
    return new DnsCache(engine, random);
  }

  /** A cache on the system clock, with its own (daemon) threads. */
  public static DnsCache create(DnsSettings settings) {
    return builder(settings).build();
  }

  public static Builder builder(DnsSettings settings) {
    return new Builder(settings);
  }

  /**
   * The answer for (name, type): from the cache when fresh, else from the providers (waiting at most
   * {@code queryTimeout} per provider), else a stale answer within {@code maxStale}.
   *
   * @throws DnsLookupException naming the host and what each provider answered, when there is neither
   *     an answer nor a stale one; also for an invalid name or a broken CNAME chain
   */
  public DnsAnswer lookup(String name, RecordType type) throws DnsLookupException {
    Objects.requireNonNull(type, "type");
    return engine.lookup(name, type);
  }

  /**
   * The IPv4 then IPv6 addresses of {@code host}; an IP literal is returned as is.
   *
   * @throws DnsLookupException when the host has no address (NXDOMAIN, NODATA for both) or no
   *     provider answered and nothing stale is left
   */
  public List<InetAddress> addresses(String host) throws DnsLookupException {
    Optional<InetAddress> literal = ServerSpecs.ipLiteral(Objects.requireNonNullElse(host, ""));
    if (literal.isPresent()) {
      return List.of(literal.get());
    }
    DnsLookupException failure = null;
    List<InetAddress> out = new ArrayList<>(2);
    List<String> negative = new ArrayList<>(2);
    for (RecordType type : new RecordType[] {RecordType.A, RecordType.AAAA}) {
      try {
        DnsAnswer answer = lookup(host, type);
        out.addAll(answer.addresses());
        if (answer.isNegative()) {
          negative.add(type + " " + answer.status() + " from " + answer.source());
        }
      } catch (DnsLookupException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (!out.isEmpty()) {
      return out;
    }
    if (failure != null) {
      throw failure;
    }
    throw new DnsLookupException(host, "no address", negative);
  }

  /**
   * The SRV records of {@code name} in the order to try them (RFC 2782: priority, then a weighted random
   * draw within a priority).
   */
  public List<SrvRecord> srv(String name) throws DnsLookupException {
    DnsAnswer answer = lookup(name, RecordType.SRV);
    if (answer.isNegative()) {
      throw new DnsLookupException(name, "no SRV records: " + answer.status() + " from " + answer.source(), List.of());
    }
    return SrvOrder.order(answer.srv(), random);
  }

  /** The cached answer for (name, type), fresh or stale, without asking any provider. */
  public Optional<DnsAnswer> peek(String name, RecordType type) {
    try {
      return engine.peek(name, type);
    } catch (DnsLookupException badName) {
      return Optional.empty();
    }
  }

  public DnsStats stats() {
    return engine.stats();
  }

  /** The cache's estimated heap in bytes, which {@link DnsSettings#maxCacheBytes()} bounds. */
  public long estimatedBytes() {
    return engine.estimatedCacheBytes();
  }

  public DnsSettings settings() {
    return engine.settings();
  }

  /** Stops background refreshes and the threads this cache started; idempotent. */
  @Override
  public void close() {
    engine.close();
  }

  @Override
  public String toString() {
    return "DnsCache{" + engine.settings() + ", " + engine.stats() + "}";
  }

  /** Configures the runtime of a {@link DnsCache}: clock, threads, listener. Not thread-safe. */
  public static final class Builder extends RuntimeOptions<Builder> {
    private final DnsSettings settings;
    private Executor executor;

    private Builder(DnsSettings settings) {
      this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    Builder self() {
      return this;
    }

    /** Runs background refreshes (blocking DNS I/O); default: up to two daemon threads of ours. */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    public DnsCache build() {
      return new DnsCache(new DnsEngine(settings, clock, scheduler, executor, events(), true), random);
    }
  }

}

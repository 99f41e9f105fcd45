package io.github.failoverresolver.internal.dns;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.github.failoverresolver.DnsAnswer;
import io.github.failoverresolver.DnsLookupException;
import io.github.failoverresolver.DnsSettings;
import io.github.failoverresolver.DnsStats;
import io.github.failoverresolver.FailoverEvent;
import io.github.failoverresolver.RecordType;
import io.github.failoverresolver.internal.DaemonThreads;
import io.github.failoverresolver.internal.EventDispatcher;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * The cache behind {@code DnsCache}: Caffeine holds each (name, type) until the end of its stale window;
 * freshness, refresh-ahead and serve-stale are decided here against the injected clock. Thread-safe.
 */
public final class DnsEngine {
  private static final Logger log = LoggerFactory.getLogger(DnsEngine.class);
  /** How often the entries due for refresh-ahead are taken from the agenda. */
  static final Duration SWEEP_INTERVAL = Duration.ofMillis(200);

  /** One cached answer with its deadlines (clock millis). Immutable but for the usage and refresh marks. */
  private static final class Entry {
    final DnsAnswer answer;
    final long freshUntil;
    final long staleUntil;
    final long refreshAt;
    /** Used since it was fetched; the first use puts it on the refresh agenda. */
    final AtomicBoolean used = new AtomicBoolean();
    volatile long lastFailure = Long.MIN_VALUE / 2;
    final AtomicBoolean refreshing = new AtomicBoolean();

    Entry(DnsAnswer answer, long receivedAt, long ttlMillis, long maxStaleMillis, double refreshAhead) {
      this.answer = answer;
      this.freshUntil = receivedAt + ttlMillis;
      this.staleUntil = freshUntil + maxStaleMillis;
      this.refreshAt = receivedAt + (long) (ttlMillis * refreshAhead);
    }
  }

  private final DnsSettings settings;
  private final Clock clock;
  private final UpstreamClient client;
  private final NameResolution resolution;
  private final EventDispatcher events;
  private final Cache<CacheKey, Entry> cache;
  private final Map<CacheKey, CompletableFuture<Entry>> inflight = new ConcurrentHashMap<>();
  /** The entries in use, by when they are next due for a refresh (no walk over the cache). */
  private final Agenda<CacheKey> agenda = new Agenda<>();
  /** Failed lookups, cached (RFC 9520) from 1 s, doubling with each failure in a row, up to staleRecheck. */
  private final FailureCache<CacheKey> failures = new FailureCache<>();
  private final SplitBrainProbe splitBrain;
  private final ScheduledExecutorService scheduler;
  private final boolean ownScheduler;
  private final Executor executor;
  private final boolean ownExecutor;
  private final boolean ownEvents;
  private final ScheduledFuture<?> sweep;
  private volatile boolean closed;

  private final LongAdder sent = new LongAdder();
  private final LongAdder blocking = new LongAdder();
  private final LongAdder hits = new LongAdder();
  private final LongAdder staleServed = new LongAdder();
  private final LongAdder coalesced = new LongAdder();
  private final LongAdder refreshes = new LongAdder();
  private final LongAdder refreshFailures = new LongAdder();

  /**
   * @param scheduler runs the refresh check; null for a thread of our own
   * @param executor runs background refreshes; null for threads of our own
   * @param ownEvents whether {@link #close()} closes {@code events}
   */
  public DnsEngine(DnsSettings settings, Clock clock, ScheduledExecutorService scheduler, Executor executor,
      EventDispatcher events, boolean ownEvents) {
    this(settings, clock, scheduler, executor, events, ownEvents, 0);
  }

  /** @param minimumEntries the cache holds at least this many answers (A and AAAA of every endpoint name) */
  public DnsEngine(DnsSettings settings, Clock clock, ScheduledExecutorService scheduler, Executor executor,
      EventDispatcher events, boolean ownEvents, long minimumEntries) {
    this.settings = settings;
    this.clock = clock;
    this.events = events;
    this.ownEvents = ownEvents;
    this.client = new UpstreamClient(settings.providers(), settings.queryTimeout(), settings.providerRetryAfter(),
        clock, sent, settings.dnssecZones());
    this.resolution = new NameResolution(client, settings.maxCnameChain());
    this.splitBrain = new SplitBrainProbe(client, resolution, events, clock);
    // bounded by estimated bytes; every entry weighs at least budget / entries, so the count is bounded too
    long entries = Math.max(settings.maxEntries(), minimumEntries);
    long budget = Math.max(settings.maxCacheBytes(), minimumEntries * 1_024);
    int floor = (int) Math.max(1, Math.min(Integer.MAX_VALUE, budget / entries));
    this.cache = Caffeine.newBuilder()
        .initialCapacity((int) Math.min(Math.max(16, minimumEntries), 1 << 16)) // no rehash while names resolve
        .maximumWeight(budget)
        .weigher((CacheKey k, Entry e) -> Math.max(floor, estimatedBytes(e)))
        .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
        .executor(Runnable::run) // no borrowed ForkJoinPool threads
        .removalListener((CacheKey k, Entry e, com.github.benmanes.caffeine.cache.RemovalCause cause) -> {
          if (k != null && cause != com.github.benmanes.caffeine.cache.RemovalCause.REPLACED) {
            agenda.remove(k); // evicted, expired or invalidated: the agenda never holds more keys than the cache
          }
        })
        .expireAfter(new Expiry<CacheKey, Entry>() {
          @Override
          public long expireAfterCreate(CacheKey key, Entry e, long now) {
            return Math.max(0, TimeUnit.MILLISECONDS.toNanos(e.staleUntil - clock.millis()));
          }

          @Override
          public long expireAfterUpdate(CacheKey key, Entry e, long now, long current) {
            return expireAfterCreate(key, e, now);
          }

          @Override
          public long expireAfterRead(CacheKey key, Entry e, long now, long current) {
            return current;
          }
        })
        .build();
    this.ownScheduler = scheduler == null;
    this.scheduler = scheduler != null ? scheduler : newScheduler();
    this.ownExecutor = executor == null;
    this.executor = executor != null ? executor : newRefreshPool();
    long period = SWEEP_INTERVAL.toMillis();
    this.sweep = this.scheduler.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
  }

  /** A rough estimate of an entry's heap: objects, addresses, SRV records and names. */
  static int estimatedBytes(Entry e) {
    DnsAnswer a = e.answer;
    long bytes = 400L + 64L * a.addresses().size() + 120L * a.srv().size();
    for (String n : a.cnameChain()) {
      bytes += 48 + 2L * n.length();
    }
    for (String n : a.nameServers()) {
      bytes += 48 + 2L * n.length();
    }
    return (int) Math.min(Integer.MAX_VALUE, bytes);
  }

  /** The cache's estimated heap now (for tests and stats). */
  public long estimatedCacheBytes() {
    return cache.policy().eviction().map(ev -> ev.weightedSize().orElse(0L)).orElse(0L);
  }

  private static ScheduledExecutorService newScheduler() {
    ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, new DaemonThreads("dns-scheduler"));
    s.setRemoveOnCancelPolicy(true);
    return s;
  }

  private static ExecutorService newRefreshPool() {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(10_000),
        new DaemonThreads("dns-refresh"));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** Parses a host name into an absolute DNS name; the error names the host. */
  public static Name parseName(String host) throws DnsLookupException {
    if (host == null || host.isBlank()) {
      throw new DnsLookupException(String.valueOf(host), "invalid host name: empty", List.of());
    }
    try {
      return Name.fromString(host.endsWith(".") ? host : host + ".");
    } catch (TextParseException e) {
      throw new DnsLookupException(host, "invalid host name: " + e.getMessage(), List.of());
    }
  }

  /** Whether an address can be a destination (not unspecified, multicast or broadcast). */
  public static boolean usableAddress(InetAddress a) {
    return NameResolution.usable(a);
  }

  public DnsSettings settings() {
    return settings;
  }

  private static final int PARSED_NAMES_MAX = 10_000;
  private final Map<String, CacheKey[]> parsedNames = new ConcurrentHashMap<>();

  /** The cache keys of {@code host}, one per record type, parsed once: a warm lookup allocates nothing. */
  private CacheKey[] keys(String host) throws DnsLookupException {
    CacheKey[] keys = host == null ? null : parsedNames.get(host);
    if (keys != null) {
      return keys;
    }
    Name n = parseName(host);
    RecordType[] types = RecordType.values();
    keys = new CacheKey[types.length];
    for (RecordType t : types) {
      keys[t.ordinal()] = new CacheKey(n, t);
    }
    if (parsedNames.size() >= PARSED_NAMES_MAX) {
      parsedNames.clear(); // bounded; a cleared entry is only parsed again
    }
    parsedNames.put(host, keys);
    return keys;
  }

  /** The answer for a host name given as text (see {@link #lookup(Name, RecordType)}). */
  public DnsAnswer lookup(String host, RecordType type) throws DnsLookupException {
    return lookup(keys(host)[type.ordinal()]);
  }

  public Optional<DnsAnswer> peek(String host, RecordType type) throws DnsLookupException {
    return peek(keys(host)[type.ordinal()]);
  }

  public DnsAnswer lookup(Name name, RecordType type) throws DnsLookupException {
    return lookup(new CacheKey(name, type));
  }

  private DnsAnswer lookup(CacheKey key) throws DnsLookupException {
    if (closed) {
      throw new IllegalStateException("the DNS cache is closed");
    }
    long now = clock.millis();
    Entry e = cache.getIfPresent(key);
    if (e != null) {
      if (now < e.freshUntil) {
        hits.increment();
        if (!e.used.get()) {
          used(key, e);
        }
        if (now >= e.refreshAt) {
          refreshInBackground(key, e);
        }
        return e.answer;
      }
      if (now < e.staleUntil && now - e.lastFailure < settings.staleRecheck().toMillis()) {
        // providers failed recently: answer stale at once, keep retrying in the background
        used(key, e);
        refreshInBackground(key, e);
        return serveStale(e, now, "no provider answered " + Duration.ofMillis(now - e.lastFailure).toSeconds()
            + " s ago");
      }
    }
    blocking.increment();
    try {
      return fetchCoalesced(key).answer;
    } catch (DnsLookupException failure) {
      long after = clock.millis();
      if (e != null && after < e.staleUntil) {
        e.lastFailure = after;
        used(key, e);
        return serveStale(e, after, failure.getMessage());
      }
      throw failure;
    }
  }

  public Optional<DnsAnswer> peek(Name name, RecordType type) {
    return peek(new CacheKey(name, type));
  }

  private Optional<DnsAnswer> peek(CacheKey key) {
    Entry e = cache.getIfPresent(key);
    if (e == null) {
      return Optional.empty();
    }
    return Optional.of(clock.millis() < e.freshUntil ? e.answer : e.answer.asStale());
  }

  private DnsAnswer serveStale(Entry e, long now, String reason) {
    staleServed.increment();
    events.publish(new FailoverEvent.StaleAnswerServed(Instant.ofEpochMilli(now), e.answer.name(), e.answer.type(),
        Duration.ofMillis(now - e.freshUntil), reason));
    return e.answer.asStale();
  }

  /**
   * One upstream query per key at a time: later callers wait for the first one's result. A key that failed
   * recently fails again at once, with no query, until its failure expires (RFC 9520).
   */
  private Entry fetchCoalesced(CacheKey key) throws DnsLookupException {
    Optional<DnsLookupException> failedRecently = failures.recent(key, clock.millis());
    if (failedRecently.isPresent()) {
      throw failedRecently.get();
    }
    CompletableFuture<Entry> mine = new CompletableFuture<>();
    CompletableFuture<Entry> running = inflight.putIfAbsent(key, mine);
    if (running != null) {
      coalesced.increment();
      try {
        return running.get();
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new DnsLookupException(key.text(), "interrupted while waiting for DNS", List.of());
      } catch (ExecutionException ee) {
        if (ee.getCause() instanceof DnsLookupException dle) {
          throw dle;
        }
        throw new IllegalStateException(ee.getCause());
      }
    }
    try {
      Entry fresh = fetch(key);
      failures.succeeded(key);
      mine.complete(fresh);
      return fresh;
    } catch (DnsLookupException failure) {
      failures.failed(key, failure, clock.millis(), settings.staleRecheck().toMillis());
      mine.completeExceptionally(failure);
      throw failure;
    } catch (RuntimeException failure) {
      mine.completeExceptionally(failure);
      throw failure;
    } finally {
      inflight.remove(key, mine);
    }
  }

  private Entry fetch(CacheKey key) throws DnsLookupException {
    NameResolution.Resolved r = resolution.resolve(key.name(), key.type().code());
    long now = clock.millis();
    Duration ttl = CacheTtl.of(r, settings);
    DnsAnswer answer = new DnsAnswer(key.text(), key.type(), r.status(), r.chain(), r.addresses(),
        r.srv(), r.nameServers(), r.source(), Instant.ofEpochMilli(now), ttl, false,
        Duration.ofSeconds(Math.max(0, r.ttlSeconds())));
    Entry entry = new Entry(answer, now, ttl.toMillis(), settings.maxStale().toMillis(), settings.refreshAhead());
    if (!ttl.isZero() || !answer.isNegative()) {
      cache.put(key, entry);
    } else {
      cache.invalidate(key); // a negative answer not to be cached also ends an old positive one
    }
    if (!settings.splitBrainNames().isEmpty()
        && settings.splitBrainNames().contains(key.text().toLowerCase(java.util.Locale.ROOT))) {
      splitBrain.probe(key.name(), key.type());
    }
    return entry;
  }

  private void refreshInBackground(CacheKey key, Entry e) {
    if (closed || failures.backingOff(key, clock.millis()) || !e.refreshing.compareAndSet(false, true)) {
      return; // (a refresh that just failed is not retried before its failure expires)
    }
    refreshes.increment();
    try {
      executor.execute(() -> {
        try {
          fetchCoalesced(key);
        } catch (DnsLookupException failure) {
          refreshFailures.increment();
          e.lastFailure = clock.millis();
          log.debug("background refresh failed: {}", failure.getMessage());
        } catch (RuntimeException bug) {
          if (closed) {
            return; // closed while the refresh waited for a thread
          }
          refreshFailures.increment();
          e.lastFailure = clock.millis();
          log.warn("background refresh of {} failed unexpectedly", key.name(), bug);
        } finally {
          e.refreshing.set(false);
        }
      });
    } catch (RejectedExecutionException shuttingDown) {
      e.refreshing.set(false);
    }
  }

  /** For tests: how many keys the refresh agenda holds once the cache's pending evictions are done. */
  int agendaSizeAfterCleanUp() {
    cache.cleanUp();
    return agenda.size();
  }

  /** For tests: how many entries the cache holds once its pending evictions are done. */
  long cacheSizeAfterCleanUp() {
    cache.cleanUp();
    return cache.estimatedSize();
  }

  /** Marks {@code e} used since it was fetched: it goes on the agenda for its refresh point. */
  private void used(CacheKey key, Entry e) {
    if (e.used.compareAndSet(false, true)) {
      agenda.add(e.refreshAt, key);
    }
  }

  /**
   * Refreshes the entries in use whose refresh point has passed: only those the agenda has due now. An entry
   * no longer cached (replaced by its refresh, evicted, expired) leaves the agenda; one that cannot be
   * refreshed yet (a refresh running, a failure too recent) comes back when it can.
   */
  void sweep() {
    long now = clock.millis();
    long recheck = settings.staleRecheck().toMillis();
    for (CacheKey key : agenda.takeDue(now)) {
      Entry e = cache.policy().getIfPresentQuietly(key);
      if (e == null || !e.used.get() || now >= e.staleUntil) {
        continue; // gone, or a newer answer not used yet (it goes on the agenda when it is)
      }
      if (now < e.refreshAt) {
        agenda.add(e.refreshAt, key); // a newer answer, used, whose time has not come
        continue;
      }
      if (e.refreshing.get() || now - e.lastFailure < recheck) {
        agenda.add(Math.max(now + SWEEP_INTERVAL.toMillis(), e.lastFailure + recheck), key);
        continue;
      }
      refreshInBackground(key, e);
      agenda.add(now + recheck, key); // looked at again only if this refresh fails and the entry stays
    }
  }

  public DnsStats stats() {
    return new DnsStats(sent.sum(), blocking.sum(), hits.sum(), staleServed.sum(), coalesced.sum(), refreshes.sum(),
        refreshFailures.sum(), client.counts());
  }

  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    sweep.cancel(false);
    agenda.clear();
    if (ownScheduler) {
      shutdown((ExecutorService) scheduler);
    }
    if (ownExecutor) {
      shutdown((ExecutorService) executor);
    }
    if (ownEvents) {
      events.close();
    }
    cache.invalidateAll();
  }

  private static void shutdown(ExecutorService es) {
    es.shutdownNow();
    try {
      if (!es.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("a DNS thread did not stop within 5 s");
      }
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
  }
}

package io.github.failoverresolver.internal.dns;

import io.github.failoverresolver.DnsAnswer;
import io.github.failoverresolver.DnsLookupException;
import io.github.failoverresolver.RecordType;
import io.github.failoverresolver.SrvRecord;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keeps endpoints' host names resolved: one timer and one lookup per name (endpoints that share a name
 * share them), A and AAAA through the DNS cache off the control loop, the answer handed to the loop, and
 * the next lookup when the answer's TTL calls for it (halfway to its expiry, so the cache refreshes it
 * ahead), never sooner than the refresh interval. A name's first lookup hands over its A answer before it
 * asks for AAAA; lookups start when the loop task that wanted them ends. Used only from the control loop.
 */
public final class EndpointDns {
  private final DnsEngine dns;
  private final ScheduledExecutorService timers;
  private final Executor io;
  private final Executor loop;
  private final Duration refresh;

  /** One endpoint's subscription to its name's lookups; owned by the control loop. */
  public static final class Slot {
    Name name;
  }

  /** One host name: one timer and one lookup, whatever the number of endpoints that share it. */
  private static final class Name {
    final String host;
    /** An SRV owner name: its SRV records are looked up instead of its addresses. */
    final boolean srv;
    final java.util.List<Slot> slots = new ArrayList<>();
    final java.util.Map<Slot, Consumer<Answer>> consumers = new java.util.LinkedHashMap<>();
    ScheduledFuture<?> next;
    boolean inFlight;
    Answer last;

    Name(String host, boolean srv) {
      this.host = host;
      this.srv = srv;
    }

    String key() {
      return srv ? "SRV " + host : host;
    }
  }

  private final java.util.Map<String, Name> names = new java.util.HashMap<>();
  private final java.time.Clock clock;

  /**
   * What one round of lookups found.
   *
   * @param provider the provider that answered the A (or else AAAA) query, if any did
   * @param freshUntil when the answer expires (epoch millis), {@code Long.MAX_VALUE} if nothing was found
   * @param failed some lookup failed (no provider answered)
   * @param note what DNS said, for people
   * @param servedTtl the largest TTL the servers gave the name's address records, if any were found
   * @param srv an SRV owner name's records, as the server gave them (empty for address lookups)
   */
  public record Answer(List<InetAddress> addresses, Optional<String> provider, boolean stale, long freshUntil,
      boolean failed, String note, Optional<java.time.Duration> servedTtl, List<SrvRecord> srv) {
    public Answer {
      addresses = List.copyOf(addresses);
      srv = List.copyOf(srv);
    }
  }

  public EndpointDns(DnsEngine dns, ScheduledExecutorService timers, Executor io, Executor loop, Duration refresh,
      java.time.Clock clock) {
    this.dns = dns;
    this.timers = timers;
    this.io = io;
    this.loop = loop;
    this.refresh = refresh;
    this.clock = clock;
  }

  public DnsEngine engine() {
    return dns;
  }

  /**
   * Keeps {@code host} resolved for one endpoint: {@code onAnswer} runs on the loop with each answer (at once
   * with the last one, when another endpoint already watches the name).
   */
  public void start(Slot slot, String host, Consumer<Answer> onAnswer) {
    start(slot, new Name(host, false), onAnswer);
  }

  /** Keeps the SRV records of {@code owner} looked up, as {@link #start} keeps a host's addresses. */
  public void startSrv(Slot slot, String owner, Consumer<Answer> onAnswer) {
    start(slot, new Name(owner, true), onAnswer);
  }

  private void start(Slot slot, Name fresh, Consumer<Answer> onAnswer) {
    Name name = names.computeIfAbsent(fresh.key(), k -> fresh);
    slot.name = name;
    name.consumers.put(slot, onAnswer);
    if (name.last != null) {
      onAnswer.accept(name.last);
    } else if (!name.inFlight && name.next == null) {
      lookUp(name);
    }
  }

  public void stop(Slot slot) {
    Name name = slot.name;
    if (name != null) {
      name.consumers.remove(slot);
      if (name.consumers.isEmpty()) {
        if (name.next != null) {
          name.next.cancel(false);
        }
        names.remove(name.key());
      }
    }
  }

  /** Lookups started by the loop task now running, handed to the I/O pool when it ends. */
  private final List<Name> starting = new ArrayList<>();

  /**
   * Starts a lookup of {@code name} once the loop task now running is over: a start-up of 10,000 names is one
   * loop task, and handing each lookup to a DNS thread as it went woke that thread in the middle of the task
   * (on one CPU shared with four DNS threads the loop got a fifth of it, and the first answers waited seconds
   * for the task to end).
   */
  private void lookUp(Name name) {
    name.next = null;
    name.inFlight = true;
    starting.add(name);
    if (starting.size() == 1) {
      loop.execute(() -> {
        List<Name> now = List.copyOf(starting);
        starting.clear();
        now.forEach(this::submit);
      });
    }
  }

  private void submit(Name name) {
    boolean first = name.last == null && !name.srv;
    try {
      io.execute(() -> {
        Answer a;
        try {
          if (first) {
            // a name's first lookup hands over its IPv4 addresses as soon as they are known and asks for AAAA
            // behind the lookups already waiting (RFC 8305 section 3: do not wait for both families)
            Answer v4 = lookup(name.host, RecordType.A);
            if (!v4.addresses().isEmpty()) {
              loop.execute(() -> {
                if (!name.consumers.isEmpty() && name.last == null) {
                  deliver(name, v4);
                }
              });
              io.execute(() -> complete(name));
              return;
            }
          }
          a = name.srv ? lookupSrv(name.host) : lookup(name.host, RecordType.A, RecordType.AAAA);
        } catch (IllegalStateException closed) {
          return; // the resolver closed while this lookup waited: nothing to report, nobody to tell
        } catch (RejectedExecutionException busy) {
          loop.execute(() -> {
            name.inFlight = false;
            again(name, null); // no room for the AAAA half now: the whole lookup again after the refresh interval
          });
          return;
        }
        finish(name, a);
      });
    } catch (RejectedExecutionException busy) {
      name.inFlight = false;
      again(name, name.last); // no thread now: the last answer stands, try again later
    }
  }

  /** Runs the second half of a first lookup, both families (A from the cache), on the I/O pool. */
  private void complete(Name name) {
    Answer a;
    try {
      a = lookup(name.host, RecordType.A, RecordType.AAAA);
    } catch (IllegalStateException closed) {
      return;
    }
    finish(name, a);
  }

  /** On the loop: the lookup is over; its answer goes to every endpoint of the name, and the next is timed. */
  private void finish(Name name, Answer a) {
    loop.execute(() -> {
      name.inFlight = false;
      if (name.consumers.isEmpty()) {
        return;
      }
      deliver(name, a);
      again(name, a);
    });
  }

  private void deliver(Name name, Answer a) {
    name.last = a;
    java.util.List.copyOf(name.consumers.values()).forEach(c -> c.accept(a));
  }

  /**
   * The next lookup: halfway to the answer's expiry (a cache hit that lets the cache refresh ahead), at least
   * the refresh interval later; soon again after a failure.
   */
  private void again(Name name, Answer last) {
    long delay = refresh.toMillis();
    if (last != null && !last.failed() && last.freshUntil() != Long.MAX_VALUE) {
      long maxDelay = dns.settings().maxTtl().toMillis();
      delay = Math.min(Math.max(delay, (last.freshUntil() - clock.millis()) / 2), Math.max(delay, maxDelay));
    }
    try {
      name.next = timers.schedule(() -> loop.execute(() -> {
        if (!name.consumers.isEmpty() && !name.inFlight) {
          lookUp(name);
        }
      }), delay, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closed) {
      name.next = null;
    }
  }

  private Answer lookup(String host, RecordType... types) {
    List<InetAddress> found = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    Optional<String> provider = Optional.empty();
    boolean stale = false;
    long expiresAt = Long.MAX_VALUE;
    boolean failed = false;
    java.time.Duration served = null;
    for (RecordType type : types) {
      try {
        DnsAnswer a = dns.lookup(host, type);
        found.addAll(a.addresses());
        if (!a.addresses().isEmpty()) {
          expiresAt = Math.min(expiresAt, a.expiresAt().toEpochMilli());
          provider = provider.isPresent() ? provider : Optional.of(a.source());
          stale |= a.stale();
          served = served == null || a.servedTtl().compareTo(served) > 0 ? a.servedTtl() : served;
          notes.add(type + " from " + a.source() + (a.stale() ? " (STALE)" : ""));
        } else if (type == RecordType.A || found.isEmpty()) {
          notes.add(type + " " + a.status());
        }
      } catch (DnsLookupException e) {
        failed = true;
        notes.add(e.getMessage());
      }
    }
    return new Answer(found, provider, stale, expiresAt, failed, String.join("; ", notes), Optional.ofNullable(served),
        List.of());
  }

  private Answer lookupSrv(String owner) {
    try {
      DnsAnswer a = dns.lookup(owner, RecordType.SRV);
      boolean found = !a.srv().isEmpty();
      return new Answer(List.of(), found ? Optional.of(a.source()) : Optional.empty(), a.stale(),
          found ? a.expiresAt().toEpochMilli() : Long.MAX_VALUE, false,
          "SRV " + (found ? "from " + a.source() + (a.stale() ? " (STALE)" : "") : a.status().toString()),
          found ? Optional.of(a.servedTtl()) : Optional.empty(), a.srv());
    } catch (DnsLookupException e) {
      return new Answer(List.of(), Optional.empty(), false, Long.MAX_VALUE, true, e.getMessage(), Optional.empty(),
          List.of());
    }
  }
}

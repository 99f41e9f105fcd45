package io.github.failoverresolver.internal.dns;

import io.github.failoverresolver.DnsAnswer;
import io.github.failoverresolver.DnsLookupException;
import io.github.failoverresolver.RecordType;
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
 * Keeps an endpoint's host name resolved: looks up A and AAAA through the DNS cache off the control loop,
 * hands the answer to the loop, and looks again after the refresh interval (a cache hit while the cache
 * refreshes ahead). Used only from the control loop.
 */
public final class EndpointDns {
  private final DnsEngine dns;
  private final ScheduledExecutorService timers;
  private final Executor io;
  private final Executor loop;
  private final Duration refresh;

  /** One endpoint's lookups; owned by the control loop. */
  public static final class Slot {
    boolean stopped;
    ScheduledFuture<?> next;
  }

  /**
   * What one round of lookups found.
   *
   * @param provider the provider that answered the A (or else AAAA) query, if any did
   * @param freshUntil when the answer expires (epoch millis), {@code Long.MAX_VALUE} if nothing was found
   * @param failed some lookup failed (no provider answered)
   * @param note what DNS said, for people
   */
  public record Answer(List<InetAddress> addresses, Optional<String> provider, boolean stale, long freshUntil,
      boolean failed, String note) {
    public Answer {
      addresses = List.copyOf(addresses);
    }
  }

  public EndpointDns(DnsEngine dns, ScheduledExecutorService timers, Executor io, Executor loop, Duration refresh) {
    this.dns = dns;
    this.timers = timers;
    this.io = io;
    this.loop = loop;
    this.refresh = refresh;
  }

  public DnsEngine engine() {
    return dns;
  }

  /** Resolves {@code host} now and then every refresh interval; {@code onAnswer} runs on the loop. */
  public void start(Slot slot, String host, Consumer<Answer> onAnswer) {
    if (slot.stopped) {
      return;
    }
    try {
      io.execute(() -> {
        Answer a = lookup(host);
        loop.execute(() -> {
          if (!slot.stopped) {
            onAnswer.accept(a);
            again(slot, host, onAnswer);
          }
        });
      });
    } catch (RejectedExecutionException busy) {
      again(slot, host, onAnswer); // no thread now: the last answer stands, try at the next refresh
    }
  }

  public void stop(Slot slot) {
    slot.stopped = true;
    if (slot.next != null) {
      slot.next.cancel(false);
    }
  }

  private void again(Slot slot, String host, Consumer<Answer> onAnswer) {
    try {
      slot.next = timers.schedule(() -> loop.execute(() -> start(slot, host, onAnswer)), refresh.toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closed) {
      slot.stopped = true;
    }
  }

  private Answer lookup(String host) {
    List<InetAddress> found = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    Optional<String> provider = Optional.empty();
    boolean stale = false;
    long expiresAt = Long.MAX_VALUE;
    boolean failed = false;
    for (RecordType type : new RecordType[] {RecordType.A, RecordType.AAAA}) {
      try {
        DnsAnswer a = dns.lookup(host, type);
        found.addAll(a.addresses());
        if (!a.addresses().isEmpty()) {
          expiresAt = Math.min(expiresAt, a.expiresAt().toEpochMilli());
          provider = provider.isPresent() ? provider : Optional.of(a.source());
          stale |= a.stale();
          notes.add(type + " from " + a.source() + (a.stale() ? " (STALE)" : ""));
        } else if (type == RecordType.A || found.isEmpty()) {
          notes.add(type + " " + a.status());
        }
      } catch (DnsLookupException e) {
        failed = true;
        notes.add(e.getMessage());
      }
    }
    return new Answer(found, provider, stale, expiresAt, failed, String.join("; ", notes));
  }
}

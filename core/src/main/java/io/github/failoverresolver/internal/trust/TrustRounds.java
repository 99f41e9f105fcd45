package io.github.failoverresolver.internal.trust;

import io.github.failoverresolver.CredentialSource;
import io.github.failoverresolver.TlsTrust;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Trust rounds of one endpoint: load and judge its credential and inspect each address's certificate, off
 * the control loop, on their own schedule; a round asked for while one runs runs right after it. A
 * credential source that hangs is reported after a bounded time. Used only from the control loop.
 */
public final class TrustRounds {
  private final ScheduledExecutorService timers;
  private final Executor io;
  private final Executor loop;
  private final Clock clock;
  private final CredentialJudge judge = new CredentialJudge();

  /** One endpoint's rounds; owned by the control loop. */
  public static final class Slot {
    boolean running;
    boolean again;
    boolean stopped;
    long token;
    ScheduledFuture<?> next;
  }

  /** What one round checks, as of the moment it starts. */
  public record Request(Optional<CredentialSource> credential, Duration warnWithin, Duration blockWithin,
      Optional<Duration> maxAge, Optional<TlsTrust> tls, String host, int port, Duration timeout,
      List<InetSocketAddress> addresses, Duration interval, Optional<io.github.failoverresolver.HealthCheck> access) {}

  /** Where the verdicts go (on the loop). */
  public interface Results {
    /**
     * @param access per address probed: empty when access is enforced, else why not (an address the probe
     *     could not reach is absent: nothing was learnt)
     */
    void verdicts(Optional<CredentialJudge.Judged> credential, Map<InetSocketAddress, TlsInspector.CertVerdict> certs,
        Map<InetSocketAddress, Optional<String>> access);

    /** The credential source did not answer within {@code limitMs}. */
    void hung(long limitMs);
  }

  public TrustRounds(ScheduledExecutorService timers, Executor io, Executor loop, Clock clock) {
    this.timers = timers;
    this.io = io;
    this.loop = loop;
    this.clock = clock;
  }

  /** Starts a round now (or right after the running one). */
  public void run(Slot slot, Supplier<Request> request, Results results) {
    if (slot.stopped) {
      return;
    }
    if (slot.running) {
      slot.again = true;
      return;
    }
    slot.running = true;
    slot.again = false;
    long token = ++slot.token;
    if (slot.next != null) {
      slot.next.cancel(false);
    }
    Request r = request.get();
    // user code (a credential source) may hang: after this long the credential counts as blocked
    long limit = Math.max(5_000, r.timeout().toMillis() * (r.addresses().size() + 1));
    schedule(() -> {
      if (slot.running && slot.token == token && !slot.stopped && r.credential().isPresent()) {
        results.hung(limit);
      }
    }, limit);
    Instant now = clock.instant();
    try {
      io.execute(() -> {
        Optional<CredentialJudge.Judged> cred = r.credential().map(source -> judge.judge(source, now,
            r.warnWithin(), r.blockWithin(), r.maxAge()));
        Map<InetSocketAddress, TlsInspector.CertVerdict> certs = new HashMap<>();
        if (r.tls().isPresent()) {
          for (InetSocketAddress a : r.addresses()) {
            certs.put(a, TlsInspector.inspect(a, r.host(), r.port(), r.timeout(), r.tls().get(), now));
          }
        }
        Map<InetSocketAddress, Optional<String>> access = new HashMap<>();
        if (r.access().isPresent()) {
          for (InetSocketAddress a : r.addresses()) {
            try {
              io.github.failoverresolver.HealthCheck.Result probe = r.access().get()
                  .check(new io.github.failoverresolver.HealthCheck.Context(a, r.host(), r.port(), r.timeout()));
              access.put(a, probe == null || probe.healthy() ? Optional.empty() : Optional.of(probe.detail()));
            } catch (Exception unreachable) {
              if (unreachable instanceof InterruptedException) {
                Thread.currentThread().interrupt();
              }
              // not reached: health decides; the last verdict on its access stands
            }
          }
        }
        loop.execute(() -> {
          slot.running = false;
          if (slot.stopped) {
            return;
          }
          results.verdicts(cred, certs, access);
          if (slot.again) {
            run(slot, request, results);
          } else {
            slot.next = schedule(() -> run(slot, request, results), r.interval().toMillis());
          }
        });
      });
    } catch (RejectedExecutionException busy) {
      slot.running = false; // deferred to the next round; nothing concluded
      slot.next = schedule(() -> run(slot, request, results), Math.min(1_000, r.interval().toMillis()));
    }
  }

  public void stop(Slot slot) {
    slot.stopped = true;
    if (slot.next != null) {
      slot.next.cancel(false);
    }
  }

  private ScheduledFuture<?> schedule(Runnable onLoop, long delayMs) {
    try {
      return timers.schedule(() -> loop.execute(onLoop), delayMs, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closed) {
      return null;
    }
  }
}

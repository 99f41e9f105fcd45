package io.github.failoverresolver.internal.engine;

import io.github.failoverresolver.Credential;
import io.github.failoverresolver.CredentialHandle;
import io.github.failoverresolver.CredentialSource;
import io.github.failoverresolver.FailoverEvent;
import io.github.failoverresolver.SessionLogin;
import io.github.failoverresolver.Target;
import io.github.failoverresolver.internal.EventDispatcher;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Session credentials ({@link SessionLogin}), one per endpoint, obtained on the caller's thread of the first
 * request that needs one (concurrent requests wait for that single login), kept until they expire, and
 * obtained anew after every cutover of the service onto the endpoint: the serving endpoint is the policy's
 * choice (the first target), read at each call, so the re-login is never missed by a race with a
 * notification, and a slow start's split between two tiers is not taken for cutovers. Thread-safe.
 */
public final class Sessions {
  private final ControlLoop loop;
  private final EventDispatcher events;
  private final Clock clock;
  private final Map<String, CompletableFuture<Session>> byEndpoint = new ConcurrentHashMap<>();
  private final Map<String, String> serving = new ConcurrentHashMap<>();
  private final Map<String, String[]> pendingCutover = new ConcurrentHashMap<>();
  private final AtomicLong logins = new AtomicLong();
  private final Map<String, Object> locks = new ConcurrentHashMap<>();
  /** Whether any endpoint (or SRV template) has a session login: if none, nothing is looked up per request. */
  private final boolean anySessions;

  private record Session(CredentialHandle handle, Optional<Instant> expiresAt) {}

  public Sessions(ControlLoop loop, EventDispatcher events, Clock clock) {
    this.loop = loop;
    this.events = events;
    this.clock = clock;
    boolean any = false;
    for (String service : loop.serviceNames()) {
      for (EndpointConfig e : loop.config(service).endpoints()) {
        any |= e.sessionLogin().isPresent();
      }
    }
    this.anySessions = any;
  }

  /**
   * The session credential for a request to {@code target}, when its endpoint has a {@link SessionLogin};
   * empty otherwise (its static credential, if any, applies).
   *
   * @throws IOException when the login failed, or did not finish within the endpoint's limit
   */
  public Optional<CredentialHandle> credential(Target target) throws IOException {
    if (!anySessions) {
      return Optional.empty(); // no session endpoint anywhere: nothing to look up per request
    }
    EndpointConfig cfg = loop.endpointConfig(target.service(), target.endpoint()).orElse(null); // two hash lookups
    if (cfg == null || cfg.sessionLogin().isEmpty()) {
      return Optional.empty();
    }
    String key = target.service() + "|" + target.endpoint();
    // fast path, no lock: the policy still serves the endpoint seen last, and this endpoint's session is ready
    List<Target> targets = loop.targets(target.service());
    CompletableFuture<Session> ready = byEndpoint.get(key);
    if (!targets.isEmpty() && targets.get(0).endpoint().equals(serving.get(target.service())) && ready != null
        && ready.isDone() && usable(ready)) {
      return Optional.of(ready.join().handle());
    }
    Object lock = locks.computeIfAbsent(target.service(), k -> new Object());
    while (true) {
      CompletableFuture<Session> mine = new CompletableFuture<>();
      CompletableFuture<Session> current;
      synchronized (lock) { // a cutover's invalidation and the next login's start never interleave
        noteServing(target.service());
        current = byEndpoint.compute(key, (k, old) -> usable(old) ? old : mine);
      }
      if (current == mine) {
        login(cfg, target, mine);
      }
      long limitMs = Math.max(5_000, cfg.timeout().toMillis() * 5);
      try {
        Session s = current.get(limitMs, TimeUnit.MILLISECONDS);
        cutoverDone(target);
        return Optional.of(s.handle());
      } catch (ExecutionException e) {
        byEndpoint.remove(key, current); // the next request tries again
        throw new IOException(e.getCause().getMessage(), e.getCause());
      } catch (TimeoutException e) {
        throw new IOException("session login to " + target.endpoint() + " did not finish within " + limitMs + " ms");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the session login to " + target.endpoint());
      } catch (java.util.concurrent.CancellationException replaced) {
        // dropped by a cutover while we waited: log in anew
      }
    }
  }

  /** Logins made so far. */
  public long logins() {
    return logins.get();
  }

  private boolean usable(CompletableFuture<Session> f) {
    if (f == null || f.isCompletedExceptionally() || f.isCancelled()) {
      return false;
    }
    if (!f.isDone()) {
      return true; // a login in flight: wait for it
    }
    Session s = f.join();
    return s.expiresAt().map(e -> clock.instant().isBefore(e)).orElse(true);
  }

  private void login(EndpointConfig cfg, Target target, CompletableFuture<Session> into) {
    logins.incrementAndGet();
    try {
      CredentialSource.Result r = cfg.sessionLogin().get().login(new SessionLogin.Endpoint(target.service(),
          target.endpoint(), target.host(), target.port(), target.addresses().get(0)));
      if (r == null || r.credential().isEmpty()) {
        into.completeExceptionally(new IOException("session login to " + target.endpoint() + " failed: "
            + (r == null ? "no result" : r.reason())));
        return;
      }
      Credential c = r.credential().get();
      into.complete(new Session(new CredentialHandle(c.id(), "session-" + logins.get(), c.secret()), c.expiresAt()));
    } catch (Exception | Error e) {
      into.completeExceptionally(new IOException("session login to " + target.endpoint() + " failed: "
          + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())));
    }
  }

  /** The policy's serving endpoint changed since the last call: drop the new one's session (log in anew). */
  private void noteServing(String service) {
    List<Target> targets = loop.targets(service);
    if (targets.isEmpty()) {
      return;
    }
    String now = targets.get(0).endpoint();
    String before = serving.put(service, now);
    if (before != null && !before.equals(now)) {
      CompletableFuture<Session> old = byEndpoint.remove(service + "|" + now);
      if (old != null) {
        old.cancel(false);
      }
      pendingCutover.put(service, new String[] {before, now});
    }
  }

  private void cutoverDone(Target target) {
    String[] pending = pendingCutover.get(target.service());
    if (pending != null && pending[1].equals(target.endpoint())
        && pendingCutover.remove(target.service(), pending)) {
      events.publish(new FailoverEvent.CutoverReauthenticated(clock.instant(), target.service(), pending[0],
          pending[1]));
    }
  }


}

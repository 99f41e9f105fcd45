package io.github.failoverresolver.okhttp;

import io.github.failoverresolver.FailoverResolver;
import io.github.failoverresolver.NoEligibleTargetException;
import io.github.failoverresolver.Target;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * An application interceptor for logical service URLs ({@code https://payments/...}, where {@code payments}
 * is a service of the resolver): it sends the request to the selected endpoint (rewriting host and port),
 * attaches that endpoint's own credential (replacing any the caller set), and after a connect failure or a
 * retryable status retries an idempotent request once on the next eligible target, within the service's
 * {@link io.github.failoverresolver.RetryBudget} (a request denied a retry fails saying so). When the service's
 * routing changes it evicts the pool's idle connections, so no new call reuses one to an address that was
 * ejected or failed over from. Requests to other hosts pass through untouched. Thread-safe.
 */
public final class FailoverInterceptor implements Interceptor {
  /** Set on a retryable response that was not retried because the service's retry budget was used up. */
  public static final String RETRY_DENIED_HEADER = "Failover-Retry-Denied";
  private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

  private final FailoverResolver resolver;
  private final FailoverHttpSettings settings;
  private final ConnectionPool pool;
  private final Map<String, Long> seenGeneration = new ConcurrentHashMap<>();
  /** The services by lower-cased name: one hash lookup per request (services are fixed at build). */
  private final Map<String, String> byLowerCaseName = new java.util.HashMap<>();

  private FailoverInterceptor(FailoverResolver resolver, FailoverHttpSettings settings, ConnectionPool pool) {
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.pool = pool;
    for (String s : resolver.services()) {
      byLowerCaseName.putIfAbsent(s.toLowerCase(Locale.ROOT), s);
    }
  }

  /** With default settings; pass the client's pool with {@link #of(FailoverResolver, FailoverHttpSettings, ConnectionPool)}. */
  public static FailoverInterceptor of(FailoverResolver resolver) {
    return new FailoverInterceptor(resolver, FailoverHttpSettings.defaults(), null);
  }

  /** @param pool the client's connection pool, evicted when routing changes (null to leave it alone) */
  public static FailoverInterceptor of(FailoverResolver resolver, FailoverHttpSettings settings, ConnectionPool pool) {
    return new FailoverInterceptor(resolver, settings, pool);
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    String service = serviceOf(request.url());
    if (service == null) {
      return chain.proceed(request);
    }
    Target target = select(service);
    io.github.failoverresolver.RetryBudget budget = resolver.retryBudget(service);
    budget.request();
    boolean idempotent = IDEMPOTENT.contains(request.method().toUpperCase(Locale.ROOT));
    Response response = null;
    IOException failure = null;
    try {
      response = hedged(chain, target, idempotent || settings.retryNonIdempotent()).proceed(routed(request, target));
    } catch (IOException e) {
      failure = e;
    }
    if (failure == null && !settings.retryableStatuses().contains(response.code())) {
      return response;
    }
    boolean connectFailure = failure instanceof java.net.ConnectException
        || failure instanceof java.net.NoRouteToHostException || failure instanceof java.net.UnknownHostException
        || slowConnect(failure);
    boolean retry = idempotent || (settings.retryNonIdempotent() && connectFailure);
    Target next = retry ? nextTarget(service, target) : null;
    if (next == null) {
      if (failure != null) {
        throw failure;
      }
      return response;
    }
    if (!budget.tryRetry()) {
      // retries must not multiply an outage: the first attempt's outcome stands, saying why it was not retried
      if (failure != null) {
        throw new IOException("not retried: the retry budget of service '" + service + "' is used up ("
            + budget + "); first attempt: " + failure, failure);
      }
      return response.newBuilder().header(RETRY_DENIED_HEADER, "retry budget of service '" + service
          + "' used up").build();
    }
    if (response != null) {
      response.close();
    }
    return chain.proceed(routed(request, next));
  }

  /**
   * The chain with the hedge delay as its connect timeout, when another eligible target could take over:
   * a connect that slow fails over to it (the event listener reports the slow connect, which ejects).
   * Reused pooled connections are not affected.
   */
  private Chain hedged(Chain chain, Target target, boolean mayMove) {
    long ms = settings.hedgeDelay().toMillis();
    if (ms == 0 || !mayMove || ms >= chain.connectTimeoutMillis()) {
      return chain;
    }
    for (Target t : resolver.targets(target.service())) {
      if (!t.endpoint().equals(target.endpoint())) {
        return chain.withConnectTimeout((int) ms, java.util.concurrent.TimeUnit.MILLISECONDS);
      }
    }
    return chain; // nowhere to move: the client's own connect timeout applies
  }

  /** A connect that timed out (nothing was sent: safe to send elsewhere). */
  private static boolean slowConnect(IOException failure) {
    return failure instanceof java.net.SocketTimeoutException
        && String.valueOf(failure.getMessage()).toLowerCase(Locale.ROOT).contains("connect");
  }

  private String serviceOf(HttpUrl url) {
    return byLowerCaseName.get(url.host()); // OkHttp gives hosts in lower case
  }

  private Target select(String service) throws IOException {
    try {
      Target t = resolver.select(service);
      Long seen = seenGeneration.put(service, t.generation());
      if (seen != null && seen != t.generation() && pool != null) {
        pool.evictAll(); // routing changed: idle connections may lead to an address no longer chosen
      }
      return t;
    } catch (NoEligibleTargetException e) {
      throw new java.net.UnknownServiceException(e.getMessage());
    }
  }

  /** The best eligible target now that is not the one that just failed (the failure was reported already). */
  private Target nextTarget(String service, Target failed) throws IOException {
    List<Target> candidates;
    try {
      select(service);
      candidates = resolver.targets(service);
    } catch (IOException noneLeft) {
      return null;
    }
    for (Target t : candidates) {
      if (!t.endpoint().equals(failed.endpoint()) || !t.addresses().equals(failed.addresses())) {
        return t;
      }
    }
    return null;
  }

  private Request routed(Request request, Target target) throws IOException {
    HttpUrl url = request.url().newBuilder().host(target.host()).port(target.port()).build();
    Request.Builder b = request.newBuilder().url(url).tag(Target.class, target);
    // a session endpoint's own session (obtained before its first request, anew after a cutover), else its credential
    java.util.Optional<io.github.failoverresolver.CredentialHandle> credential = resolver.sessionCredential(target)
        .or(target::credential);
    credential.ifPresent(c -> b.header(settings.credentialHeader(),
        settings.credentialScheme().isEmpty() ? c.secret().reveal() : settings.credentialScheme() + " "
            + c.secret().reveal()));
    if (credential.isEmpty()) {
      b.removeHeader(settings.credentialHeader()); // never forward a credential meant for another endpoint
    }
    return b.build();
  }

  @Override
  public String toString() {
    return "FailoverInterceptor";
  }
}

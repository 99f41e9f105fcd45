package io.github.failoverresolver.grpc;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A default service config that retries idempotent calls on UNAVAILABLE (and a server's CANCELLED), so that a call caught on a dying
 * connection (or picked in the instant the channel switches address lists) is sent again on the target the
 * resolver moved to, instead of failing. gRPC cannot know which methods are safe to send twice: you name
 * them. Use with {@code ManagedChannelBuilder.defaultServiceConfig(...)} and {@code enableRetry()}.
 *
 * <pre>{@code
 * Grpc.newChannelBuilder("failover:///payments", creds)
 *     .defaultServiceConfig(FailoverServiceConfig.retryOnUnavailable(List.of("payments.Ledger/Get", "payments.Quotes")))
 *     .enableRetry()
 *     .build();
 * }</pre>
 */
public final class FailoverServiceConfig {
  private FailoverServiceConfig() {}

  /**
   * With gRPC's retry throttling as the channel's retry budget ({@code maxTokens} 100, {@code tokenRatio} 0.2:
   * a failover's burst of failed attempts is retried, a backend failing everything is not hammered).
   * Up to 4 attempts, backoff from 20 ms (doubling, at most 500 ms, with gRPC's jitter), on UNAVAILABLE and
   * CANCELLED (a server going away resets its streams; the client's own cancellations are not retried).
   *
   * @param idempotent {@code package.Service} (every method of it) or {@code package.Service/Method}
   */
  public static Map<String, ?> retryOnUnavailable(Collection<String> idempotent) {
    Objects.requireNonNull(idempotent, "idempotent");
    if (idempotent.isEmpty()) {
      throw new IllegalArgumentException("idempotent: name at least one service or method that is safe to send twice");
    }
    List<Map<String, ?>> names = new ArrayList<>();
    for (String n : idempotent) {
      Objects.requireNonNull(n, "idempotent method");
      String[] parts = n.split("/", -1);
      if (parts.length > 2 || parts[0].isBlank() || (parts.length == 2 && parts[1].isBlank())) {
        throw new IllegalArgumentException("idempotent: '" + n + "' is not 'package.Service' or 'package.Service/Method'");
      }
      Map<String, String> name = new LinkedHashMap<>();
      name.put("service", parts[0]);
      if (parts.length == 2) {
        name.put("method", parts[1]);
      }
      names.add(name);
    }
    Map<String, Object> retry = new LinkedHashMap<>();
    retry.put("maxAttempts", 4.0);
    retry.put("initialBackoff", "0.02s");
    retry.put("maxBackoff", "0.5s");
    retry.put("backoffMultiplier", 2.0);
    // CANCELLED too: a server shutting down resets streams in flight (RST_STREAM CANCEL); a call the client
    // cancels itself is never retried by gRPC
    retry.put("retryableStatusCodes", List.of("UNAVAILABLE", "CANCELLED"));
    Map<String, Object> method = new LinkedHashMap<>();
    method.put("name", names);
    method.put("retryPolicy", retry);
    // gRPC's own retry budget (gRFC A6): every failed attempt costs a token, every success earns 0.2 (the
    // resolver's retry-budget-ratio default); retries stop while half of the 100 tokens are spent, so a
    // backend that fails everything gets about 50 retries and then only first attempts
    Map<String, Object> throttling = new LinkedHashMap<>();
    throttling.put("maxTokens", 100.0);
    throttling.put("tokenRatio", 0.2);
    return Map.of("methodConfig", List.of(method), "retryThrottling", throttling);
  }
}

package io.github.failoverresolver;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Checks whether one address of an endpoint is ready for traffic. Implementations are called from the
 * resolver's check threads, one call at a time per address; they may block up to {@link Context#timeout()}
 * (after which the result is taken as a failure and the call is abandoned) and should report expected
 * failures as {@link Result#unhealthy(String)}, not by throwing (a throw also counts as unhealthy).
 */
@FunctionalInterface
public interface HealthCheck {

  Result check(Context context) throws Exception;

  /**
   * What a check is about: the address to probe and the endpoint's host name (for SNI, the Host header,
   * certificate checks) and port.
   */
  record Context(InetSocketAddress address, String host, int port, Duration timeout) {
    public Context {
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(timeout, "timeout");
    }
  }

  /** A check's verdict with a short human-readable detail (never a secret). */
  record Result(boolean healthy, String detail) {
    public Result {
      Objects.requireNonNull(detail, "detail");
    }

    public static Result healthy(String detail) {
      return new Result(true, detail);
    }

    public static Result unhealthy(String detail) {
      return new Result(false, detail);
    }
  }
}

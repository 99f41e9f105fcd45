package io.github.failoverresolver.internal;

import java.util.Optional;

/**
 * A {@code host[:port]} spec split once, for endpoints ({@code host:port}, {@code [v6]:port}) and DNS
 * servers ({@code ip}, {@code ip:port}, {@code [v6]:port}, bare {@code v6}). Immutable.
 */
public record HostPort(String host, Optional<String> port) {

  /**
   * Splits {@code spec}.
   *
   * @throws IllegalArgumentException with the reason (without the spec), when it cannot be split
   */
  public static HostPort split(String spec) {
    String s = spec.strip();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("empty");
    }
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("missing ']'");
      }
      String rest = s.substring(close + 1);
      if (!rest.isEmpty() && !rest.startsWith(":")) {
        throw new IllegalArgumentException("expected ':port' after ']'");
      }
      return new HostPort(s.substring(1, close), rest.isEmpty() ? Optional.empty() : Optional.of(rest.substring(1)));
    }
    int colon = s.indexOf(':');
    if (colon >= 0 && colon == s.lastIndexOf(':')) {
      return new HostPort(s.substring(0, colon), Optional.of(s.substring(colon + 1)));
    }
    return new HostPort(s, Optional.empty()); // no port, or a bare IPv6 address
  }

  /** The port, or {@code otherwise} when none was given. */
  public int portOr(int otherwise) {
    if (port.isEmpty()) {
      return otherwise;
    }
    int n;
    try {
      n = Integer.parseInt(port.get());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("port '" + port.get() + "' is not a number");
    }
    if (n < 1 || n > 65535) {
      throw new IllegalArgumentException("port " + n + " is out of range 1..65535");
    }
    return n;
  }

  /** {@code host:port}, with an IPv6 host in brackets. */
  public static String join(String host, int port) {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}

package io.github.failoverresolver;

import java.net.UnknownHostException;
import java.util.List;

/**
 * A lookup that produced no usable answer: no provider answered, the name does not exist, or its
 * CNAME chain is broken. The message names the host, each provider tried and what it answered.
 * Extends {@link UnknownHostException} so that {@code Dns}-style callers can throw it as is.
 */
public class DnsLookupException extends UnknownHostException {
  private static final long serialVersionUID = 1L;

  private final String host;
  private final transient List<String> attempts;

  public DnsLookupException(String host, String reason, List<String> attempts) {
    super(host + ": " + reason + (attempts.isEmpty() ? "" : " [" + String.join("; ", attempts) + "]"));
    this.host = host;
    this.attempts = List.copyOf(attempts);
  }

  /** The host (or DNS name) that was looked up. */
  public String host() {
    return host;
  }

  /** One line per upstream attempt: provider, server, and what happened. */
  public List<String> attempts() {
    return attempts == null ? List.of() : attempts;
  }
}

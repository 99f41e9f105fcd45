package io.github.failoverresolver;

import java.util.Objects;

/**
 * One SRV record (RFC 2782): a target host and port with a priority (lower first) and a weight
 * (relative share within a priority). Immutable.
 */
public record SrvRecord(int priority, int weight, int port, String target) {
  public SrvRecord {
    Objects.requireNonNull(target, "target");
  }

  @Override
  public String toString() {
    return priority + " " + weight + " " + port + " " + target;
  }
}

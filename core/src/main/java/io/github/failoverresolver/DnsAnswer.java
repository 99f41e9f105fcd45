package io.github.failoverresolver;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An answer for one (name, type): immutable, safe to share between threads.
 *
 * @param name the name asked for, absolute (with the trailing dot)
 * @param type the record type asked for
 * @param status whether records exist ({@link Status#NOERROR}), the name does not
 *     ({@link Status#NXDOMAIN}), or it has no records of this type ({@link Status#NODATA})
 * @param cnameChain the names the answer was reached through, in order, excluding {@code name}
 * @param addresses the A or AAAA addresses, in the order the upstream gave them
 * @param srv the SRV records, in the order the upstream gave them (see {@link DnsCache#srv})
 * @param nameServers the NS records' targets, for an NS lookup
 * @param source where it came from: a provider name, {@code system (hosts file)}
 * @param receivedAt when the upstream answered
 * @param ttl how long it is fresh from {@code receivedAt}: the record TTLs clamped by the settings
 * @param stale true when it was served past {@code receivedAt + ttl} because no provider answered
 * @param servedTtl the smallest record TTL as the server gave it (before the settings' clamping): how long other
 *     clients of the record may keep it
 */
public record DnsAnswer(
    String name,
    RecordType type,
    Status status,
    List<String> cnameChain,
    List<InetAddress> addresses,
    List<SrvRecord> srv,
    List<String> nameServers,
    String source,
    Instant receivedAt,
    Duration ttl,
    boolean stale,
    Duration servedTtl) {

  /** The three kinds of definitive answer. */
  public enum Status {
    NOERROR,
    NXDOMAIN,
    NODATA
  }

  public DnsAnswer {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(status, "status");
    cnameChain = List.copyOf(cnameChain);
    addresses = List.copyOf(addresses);
    srv = List.copyOf(srv);
    nameServers = List.copyOf(nameServers);
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(ttl, "ttl");
  }

  public boolean isNegative() {
    return status != Status.NOERROR;
  }

  /** When this answer stops being fresh. */
  public Instant expiresAt() {
    return receivedAt.plus(ttl);
  }

  /** The same answer marked as served stale. */
  public DnsAnswer asStale() {
    return stale ? this : new DnsAnswer(name, type, status, cnameChain, addresses, srv, nameServers, source, receivedAt, ttl,
        true, servedTtl);
  }
}

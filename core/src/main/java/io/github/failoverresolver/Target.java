package io.github.failoverresolver;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link FailoverResolver#select(String)} hands out: the chosen endpoint of a service, its eligible
 * addresses in preference order, the name to present for TLS, and the generation of the routing table it
 * came from. Immutable; built by the control loop, so {@code select} allocates nothing.
 *
 * @param service the logical service name
 * @param endpoint the endpoint's {@code host:port} as configured
 * @param tier its tier (0 is the primary)
 * @param host the host name to use for TLS (SNI, certificate checks) and the HTTP Host header
 * @param port the port to connect to
 * @param addresses the eligible addresses to connect to, best first (never empty)
 * @param generation increases each time the service's routing table changes
 * @param panic true when no address was eligible and panic mode handed out the least-bad ones
 * @param credential the endpoint's own credential, to attach to requests sent to it (its
 *     {@code toString()} shows only an id and a fingerprint prefix)
 */
public record Target(String service, String endpoint, int tier, String host, int port,
    List<InetSocketAddress> addresses, List<InetAddress> inetAddresses, long generation, boolean panic,
    Optional<CredentialHandle> credential) {

  public Target {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(host, "host");
    addresses = List.copyOf(addresses);
    inetAddresses = List.copyOf(inetAddresses);
    Objects.requireNonNull(credential, "credential");
  }

  /** {@code host:port}, the authority for TLS and HTTP/2 (IPv6 hosts in brackets). */
  public String authority() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  @Override
  public String toString() {
    return service + " -> " + endpoint + " (tier " + tier + ", gen " + generation + (panic ? ", PANIC" : "") + ") "
        + addresses + credential.map(c -> " " + c).orElse("");
  }
}

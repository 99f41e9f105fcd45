package io.github.failoverresolver;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One DNS provider as built: its name, its servers (tried in order), an optional hosts file consulted
 * first, and whether it is a trusted DNSSEC-validating resolver (whose AD bit is believed); for DNS over HTTPS,
 * its URL (the server is then the address it is reached at) and TLS context. Immutable.
 */
public record DnsProvider(String name, List<InetSocketAddress> servers, Optional<Path> hostsFile, boolean validating,
    Optional<java.net.URI> doh, Optional<javax.net.ssl.SSLContext> dohTls) {
  public DnsProvider {
    Objects.requireNonNull(name, "name");
    servers = List.copyOf(servers);
    Objects.requireNonNull(hostsFile, "hostsFile");
    Objects.requireNonNull(doh, "doh");
    Objects.requireNonNull(dohTls, "dohTls");
  }

  /** A provider of plain DNS (UDP, TCP when truncated). */
  public DnsProvider(String name, List<InetSocketAddress> servers, Optional<Path> hostsFile, boolean validating) {
    this(name, servers, hostsFile, validating, Optional.empty(), Optional.empty());
  }

  @Override
  public String toString() {
    return name + doh.map(u -> " doh " + u + " at").orElse("") + servers + hostsFile.map(h -> " hosts=" + h).orElse("")
        + (validating ? " validating" : "");
  }
}

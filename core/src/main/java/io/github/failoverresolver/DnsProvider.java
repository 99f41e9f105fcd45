package io.github.failoverresolver;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One DNS provider as built: its name, its servers (tried in order), an optional hosts file consulted
 * first, and whether it is a trusted DNSSEC-validating resolver (whose AD bit is believed). Immutable.
 */
public record DnsProvider(String name, List<InetSocketAddress> servers, Optional<Path> hostsFile, boolean validating) {
  public DnsProvider {
    Objects.requireNonNull(name, "name");
    servers = List.copyOf(servers);
    Objects.requireNonNull(hostsFile, "hostsFile");
  }

  @Override
  public String toString() {
    return name + servers + hostsFile.map(h -> " hosts=" + h).orElse("") + (validating ? " validating" : "");
  }
}

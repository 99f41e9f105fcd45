package io.github.failoverresolver;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The DNS servers of one provider (one failure domain). Immutable. Server specs are checked when the
 * {@link DnsSettings} holding them is built, so that the error can name the provider.
 */
public final class Upstreams {
  static final Path DEFAULT_RESOLV_CONF = Path.of("/etc/resolv.conf");
  static final Path DEFAULT_HOSTS = Path.of("/etc/hosts");

  private final List<String> servers;
  private final Optional<Path> resolvConf;
  private final Optional<Path> hostsFile;
  private final boolean validating;

  private Upstreams(List<String> servers, Optional<Path> resolvConf, Optional<Path> hostsFile, boolean validating) {
    this.servers = servers;
    this.resolvConf = resolvConf;
    this.hostsFile = hostsFile;
    this.validating = validating;
  }

  /** The operating system's resolver: the nameservers of {@code /etc/resolv.conf}, after {@code /etc/hosts}. */
  public static Upstreams system() {
    return system(DEFAULT_RESOLV_CONF, DEFAULT_HOSTS);
  }

  /** Like {@link #system()} with other files (containers, tests). */
  public static Upstreams system(Path resolvConf, Path hostsFile) {
    return new Upstreams(List.of(), Optional.of(resolvConf), Optional.of(hostsFile), false);
  }

  /**
   * Explicit servers, tried in order: {@code "9.9.9.9"}, {@code "127.0.0.1:5353"} or {@code "[::1]:53"}.
   * IP literals only: a DNS server cannot be found through DNS.
   */
  public static Upstreams of(String... servers) {
    for (String s : servers) {
      Objects.requireNonNull(s, "server");
    }
    return new Upstreams(List.of(servers), Optional.empty(), Optional.empty(), false);
  }

  /** Adds a hosts file consulted before the servers. */
  public Upstreams withHostsFile(Path hosts) {
    return new Upstreams(servers, resolvConf, Optional.of(hosts), validating);
  }

  /**
   * Marks these servers as a trusted DNSSEC-validating resolver (for example Unbound on this host or a
   * network you control): its AD bit is believed for zones that {@link DnsSettings.Builder#requireDnssec}
   * names. Only mark a resolver you reach over a trusted path; the AD bit itself is not signed.
   */
  public Upstreams validating() {
    return new Upstreams(servers, resolvConf, hostsFile, true);
  }

  boolean isValidating() {
    return validating;
  }

  List<String> servers() {
    return servers;
  }

  Optional<Path> resolvConf() {
    return resolvConf;
  }

  Optional<Path> hostsFile() {
    return hostsFile;
  }

  @Override
  public String toString() {
    return resolvConf.map(p -> "system(" + p + ", hosts=" + hostsFile.map(Path::toString).orElse("none") + ")")
        .orElseGet(() -> servers.toString() + hostsFile.map(h -> " hosts=" + h).orElse(""));
  }
}

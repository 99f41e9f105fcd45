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
  private final Optional<java.net.URI> doh;
  private final Optional<javax.net.ssl.SSLContext> dohTls;

  private Upstreams(List<String> servers, Optional<Path> resolvConf, Optional<Path> hostsFile, boolean validating) {
    this(servers, resolvConf, hostsFile, validating, Optional.empty(), Optional.empty());
  }

  private Upstreams(List<String> servers, Optional<Path> resolvConf, Optional<Path> hostsFile, boolean validating,
      Optional<java.net.URI> doh, Optional<javax.net.ssl.SSLContext> dohTls) {
    this.servers = servers;
    this.resolvConf = resolvConf;
    this.hostsFile = hostsFile;
    this.validating = validating;
    this.doh = doh;
    this.dohTls = dohTls;
  }

  /**
   * A DNS-over-HTTPS provider (RFC 8484: POST of {@code application/dns-message} over HTTPS, HTTP/1.1):
   * {@code "https://9.9.9.9/dns-query"}. The URL's host must be an IP literal, or give the server's address:
   * {@link #doh(String, String)} (a DoH server cannot be found through the DNS it replaces). The certificate is
   * verified against the URL's host with the JVM's trust store unless {@link #trusting} says otherwise.
   */
  public static Upstreams doh(String url) {
    java.net.URI uri = dohUri(url);
    return new Upstreams(List.of(uri.getHost() + ":" + (uri.getPort() < 0 ? 443 : uri.getPort())), Optional.empty(),
        Optional.empty(), false, Optional.of(uri), Optional.empty());
  }

  /** A DoH provider whose URL names a host, reached at {@code address} (an IP literal). */
  public static Upstreams doh(String url, String address) {
    java.net.URI uri = dohUri(url);
    Objects.requireNonNull(address, "address");
    return new Upstreams(List.of(address + ":" + (uri.getPort() < 0 ? 443 : uri.getPort())), Optional.empty(),
        Optional.empty(), false, Optional.of(uri), Optional.empty());
  }

  private static java.net.URI dohUri(String url) {
    Objects.requireNonNull(url, "url");
    java.net.URI uri;
    try {
      uri = new java.net.URI(url);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("DoH url '" + url + "' is not a URL: " + e.getReason());
    }
    if (!"https".equals(uri.getScheme()) || uri.getHost() == null || uri.getRawPath() == null
        || uri.getRawPath().isEmpty()) {
      throw new IllegalArgumentException("DoH url '" + url + "' must be https://HOST[:PORT]/PATH");
    }
    return uri;
  }

  /** The TLS context (trust material) for a DoH provider's server: default, the JVM's. */
  public Upstreams trusting(javax.net.ssl.SSLContext context) {
    if (doh.isEmpty()) {
      throw new IllegalStateException("trusting(...) is for DoH providers: Upstreams.doh(url)");
    }
    return new Upstreams(servers, resolvConf, hostsFile, validating, doh, Optional.of(Objects.requireNonNull(context)));
  }

  Optional<java.net.URI> doh() {
    return doh;
  }

  Optional<javax.net.ssl.SSLContext> dohTls() {
    return dohTls;
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
    return new Upstreams(servers, resolvConf, Optional.of(hosts), validating, doh, dohTls);
  }

  /**
   * Marks these servers as a trusted DNSSEC-validating resolver (for example Unbound on this host or a
   * network you control): its AD bit is believed for zones that {@link DnsSettings.Builder#requireDnssec}
   * names. Only mark a resolver you reach over a trusted path; the AD bit itself is not signed.
   */
  public Upstreams validating() {
    return new Upstreams(servers, resolvConf, hostsFile, true, doh, dohTls);
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
        .orElseGet(() -> doh.map(u -> "doh(" + u + " at " + servers.get(0) + ")").orElse(servers.toString())
            + hostsFile.map(h -> " hosts=" + h).orElse(""));
  }
}

package io.github.failoverresolver.internal.dns;

import io.github.failoverresolver.internal.HostPort;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.Address;
import org.xbill.DNS.config.ResolvConfResolverConfigProvider;

/** Parses DNS server specs ({@code ip}, {@code ip:port}, {@code [v6]:port}) and resolv.conf files. */
public final class ServerSpecs {
  private ServerSpecs() {}

  /**
   * Parses one server spec.
   *
   * @param key the setting it came from, for the error message
   * @throws IllegalArgumentException naming {@code key} and the spec when it is not an IP and port
   */
  public static InetSocketAddress parse(String key, String spec) {
    HostPort hp;
    int portNumber;
    try {
      hp = HostPort.split(spec);
      portNumber = hp.portOr(53);
    } catch (IllegalArgumentException e) {
      throw bad(key, spec, e.getMessage());
    }
    InetAddress address = ipLiteral(hp.host())
        .orElseThrow(() -> bad(key, spec, "'" + hp.host() + "' is not an IP address (a DNS server is given by address)"));
    return new InetSocketAddress(address, portNumber);
  }

  /** The address an IP literal denotes, never asking DNS; empty when {@code s} is not a literal. */
  public static Optional<InetAddress> ipLiteral(String s) {
    byte[] raw = Address.toByteArray(s, Address.IPv4);
    if (raw == null) {
      raw = Address.toByteArray(s, Address.IPv6);
    }
    if (raw == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByAddress(raw));
    } catch (UnknownHostException impossible) {
      return Optional.empty();
    }
  }

  /** The nameservers of a resolv.conf file; none listed means the local server (resolv.conf(5)). */
  public static List<InetSocketAddress> fromResolvConf(Path file) throws IOException {
    ResolvConf parsed = new ResolvConf();
    try (InputStream in = Files.newInputStream(file)) {
      parsed.parse(in);
    }
    List<InetSocketAddress> servers = parsed.servers();
    return servers.isEmpty() ? List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 53)) : servers;
  }

  private static IllegalArgumentException bad(String key, String spec, String why) {
    return new IllegalArgumentException(key + "='" + spec + "': " + why);
  }

  /** dnsjava's resolv.conf parser, pointed at a file of our choosing. */
  private static final class ResolvConf extends ResolvConfResolverConfigProvider {
    void parse(InputStream in) throws IOException {
      parseResolvConf(in);
    }
  }
}

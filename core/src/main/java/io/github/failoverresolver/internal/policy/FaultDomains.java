package io.github.failoverresolver.internal.policy;

import io.github.failoverresolver.Finding.Severity;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The fault-domain rules, written once: what a backup endpoint shares with a primary one. Used to block a
 * backup ({@code requireIndependence}) and to report (the independence report). Pure.
 */
public final class FaultDomains {
  private FaultDomains() {}

  /** What two endpoints can share; {@link #blocks()} when {@code requireIndependence} makes it ineligible. */
  public enum Kind {
    SAME_ADDRESS("same-address", Severity.CRITICAL, true),
    SAME_NETWORK("same-network", Severity.WARNING, false),
    SAME_NAME_SERVERS("same-name-servers", Severity.WARNING, false),
    SOME_NAME_SERVERS("same-name-servers", Severity.INFO, false),
    SAME_DNS_PROVIDER("same-dns-provider", Severity.INFO, false),
    SAME_CERTIFICATE("same-certificate", Severity.CRITICAL, true),
    SAME_CA("same-ca", Severity.WARNING, false),
    SAME_CREDENTIAL("same-credential", Severity.CRITICAL, false);

    private final String keyword;
    private final Severity severity;
    private final boolean blocks;

    Kind(String keyword, Severity severity, boolean blocks) {
      this.keyword = keyword;
      this.severity = severity;
      this.blocks = blocks;
    }

    /** The stable keyword of {@link io.github.failoverresolver.Finding#kind()}. */
    public String keyword() {
      return keyword;
    }

    public Severity severity() {
      return severity;
    }

    public boolean blocks() {
      return blocks;
    }
  }

  /**
   * The fault domains of one endpoint.
   *
   * @param nameServers the NS set of its zone (empty when unknown)
   * @param dnsProvider the DNS provider that answered for its name (empty for IP literals or unknown)
   * @param sharesCredential its secret equals that of an endpoint in a better tier
   */
  public record Facts(String endpoint, Set<InetAddress> addresses, Set<String> nameServers,
      Optional<String> dnsProvider, Set<String> leafSha256, Set<String> issuers, boolean sharesCredential) {

    /** The facts a view holds (no name servers or provider: those are for the report). */
    public static Facts of(EndpointFacts e) {
      Set<InetAddress> ips = new java.util.LinkedHashSet<>();
      Set<String> leaves = new TreeSet<>();
      Set<String> issuers = new TreeSet<>();
      for (AddressFacts a : e.addresses()) {
        ips.add(a.address().getAddress());
        a.leafSha256().ifPresent(leaves::add);
        a.issuer().ifPresent(issuers::add);
      }
      return new Facts(e.name(), ips, Set.of(), Optional.empty(), leaves, issuers,
          e.credential().map(CredentialFacts::shared).orElse(false));
    }
  }

  /** One shared fault domain, with the shared values (addresses, networks, name servers, provider, issuer). */
  public record Shared(Kind kind, List<String> values) {
    public Shared {
      values = List.copyOf(values);
    }
  }

  /** Every fault domain {@code backup} shares with {@code primary}, most severe kinds first within each family. */
  public static List<Shared> compare(Facts primary, Facts backup) {
    List<Shared> out = new ArrayList<>();
    Set<String> ips = new TreeSet<>();
    for (InetAddress a : primary.addresses()) {
      if (backup.addresses().contains(a)) {
        ips.add(a.getHostAddress());
      }
    }
    if (!ips.isEmpty()) {
      out.add(new Shared(Kind.SAME_ADDRESS, List.copyOf(ips)));
    } else {
      Set<String> nets = networks(primary.addresses());
      nets.retainAll(networks(backup.addresses()));
      if (!nets.isEmpty()) {
        out.add(new Shared(Kind.SAME_NETWORK, List.copyOf(nets)));
      }
    }
    Set<String> nsP = primary.nameServers();
    Set<String> nsB = backup.nameServers();
    if (!nsP.isEmpty() && nsP.equals(nsB)) {
      out.add(new Shared(Kind.SAME_NAME_SERVERS, List.copyOf(new TreeSet<>(nsP))));
    } else if (!nsP.isEmpty()) {
      Set<String> common = new TreeSet<>(nsP);
      common.retainAll(nsB);
      if (!common.isEmpty()) {
        out.add(new Shared(Kind.SOME_NAME_SERVERS, List.copyOf(common)));
      }
    }
    if (primary.dnsProvider().isPresent() && primary.dnsProvider().equals(backup.dnsProvider())) {
      out.add(new Shared(Kind.SAME_DNS_PROVIDER, List.of(primary.dnsProvider().get())));
    }
    Set<String> leaves = new TreeSet<>(primary.leafSha256());
    leaves.retainAll(backup.leafSha256());
    Set<String> issuers = new TreeSet<>(primary.issuers());
    issuers.retainAll(backup.issuers());
    if (!leaves.isEmpty()) {
      out.add(new Shared(Kind.SAME_CERTIFICATE, List.copyOf(leaves)));
    } else if (!issuers.isEmpty()) {
      out.add(new Shared(Kind.SAME_CA, List.copyOf(issuers)));
    }
    if (backup.sharesCredential()) {
      out.add(new Shared(Kind.SAME_CREDENTIAL, List.of()));
    }
    return out;
  }

  /** IPv4 /24 and IPv6 /48 prefixes. */
  static Set<String> networks(Set<InetAddress> addresses) {
    Set<String> out = new TreeSet<>();
    for (InetAddress a : addresses) {
      byte[] raw = a.getAddress();
      if (raw.length == 4) {
        out.add((raw[0] & 0xff) + "." + (raw[1] & 0xff) + "." + (raw[2] & 0xff) + ".0/24");
      } else {
        out.add(String.format("%02x%02x:%02x%02x:%02x%02x::/48", raw[0], raw[1], raw[2], raw[3], raw[4], raw[5]));
      }
    }
    return out;
  }
}

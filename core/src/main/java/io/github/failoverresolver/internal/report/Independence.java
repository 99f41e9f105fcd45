package io.github.failoverresolver.internal.report;

import io.github.failoverresolver.DnsAnswer;
import io.github.failoverresolver.DnsCache;
import io.github.failoverresolver.DnsLookupException;
import io.github.failoverresolver.Finding;
import io.github.failoverresolver.RecordType;
import io.github.failoverresolver.ResolverSnapshot;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares each backup endpoint of a service with each endpoint of its primary tier: addresses and
 * networks, the authoritative name servers of their zones, the DNS provider that answered, the TLS issuer
 * and leaf, and the credential. Reads a snapshot and the DNS cache (NS lookups); stateless.
 */
public final class Independence {
  private Independence() {}

  public static List<Finding> findings(ResolverSnapshot.Service service, DnsCache dns) {
    List<Finding> out = new ArrayList<>();
    int lowest = service.endpoints().stream().mapToInt(ResolverSnapshot.Endpoint::tier).min().orElse(0);
    for (ResolverSnapshot.Endpoint primary : service.endpoints()) {
      if (primary.tier() != lowest) {
        continue;
      }
      for (ResolverSnapshot.Endpoint backup : service.endpoints()) {
        if (backup.tier() == lowest) {
          continue;
        }
        compare(service.name(), primary, backup, dns, out);
      }
    }
    return out;
  }

  private static void compare(String service, ResolverSnapshot.Endpoint p, ResolverSnapshot.Endpoint b, DnsCache dns,
      List<Finding> out) {
    Set<String> sharedIps = new TreeSet<>(ips(p));
    sharedIps.retainAll(ips(b));
    if (!sharedIps.isEmpty()) {
      out.add(f(service, p, b, Finding.Severity.CRITICAL, "same-address", p.name() + " and " + b.name()
          + " share the address " + String.join(", ", sharedIps) + ": one machine or load balancer failing takes both."));
    } else {
      Set<String> sharedNets = new TreeSet<>(networks(p));
      sharedNets.retainAll(networks(b));
      if (!sharedNets.isEmpty()) {
        out.add(f(service, p, b, Finding.Severity.WARNING, "same-network", p.name() + " and " + b.name()
            + " have addresses in the same network " + String.join(", ", sharedNets)
            + ": one routing or data-centre failure can take both."));
      }
    }
    Set<String> nsP = nameServers(host(p.name()), dns);
    Set<String> nsB = nameServers(host(b.name()), dns);
    if (!nsP.isEmpty() && nsP.equals(nsB)) {
      out.add(f(service, p, b, Finding.Severity.WARNING, "same-name-servers", "both names are served by the same"
          + " authoritative name servers " + nsP + ": a DNS provider outage hides both."));
    } else if (!nsP.isEmpty() && nsB.stream().anyMatch(nsP::contains)) {
      Set<String> common = new TreeSet<>(nsP);
      common.retainAll(nsB);
      out.add(f(service, p, b, Finding.Severity.INFO, "same-name-servers", "the names share the name servers "
          + common + "."));
    }
    String providerP = provider(p.dns());
    if (!providerP.isEmpty() && providerP.equals(provider(b.dns()))) {
      out.add(f(service, p, b, Finding.Severity.INFO, "same-dns-provider", "both names were resolved through the"
          + " DNS provider '" + providerP + "'; configure a second provider to survive its outage."));
    }
    Optional<ResolverSnapshot.Tls> tlsP = tls(p);
    Optional<ResolverSnapshot.Tls> tlsB = tls(b);
    if (tlsP.isPresent() && tlsB.isPresent()) {
      if (tlsP.get().leafSha256().isPresent() && tlsP.get().leafSha256().equals(tlsB.get().leafSha256())) {
        out.add(f(service, p, b, Finding.Severity.CRITICAL, "same-certificate", "both present the same certificate"
            + " (and so the same private key): revoking or losing it breaks both."));
      } else if (tlsP.get().issuer().isPresent() && tlsP.get().issuer().equals(tlsB.get().issuer())) {
        out.add(f(service, p, b, Finding.Severity.WARNING, "same-ca", "both certificates are issued by "
            + tlsP.get().issuer().get() + ": a CA incident or distrust hits both."));
      }
    }
    if (b.credential().contains("SHARED")) {
      out.add(f(service, p, b, Finding.Severity.CRITICAL, "same-credential", b.name() + " uses the same secret as a"
          + " better tier: a leaked or revoked secret fails both."));
    }
  }

  private static Finding f(String service, ResolverSnapshot.Endpoint p, ResolverSnapshot.Endpoint b,
      Finding.Severity severity, String kind, String sentence) {
    return new Finding(service, p.name(), b.name(), b.tier(), severity, kind, sentence);
  }

  private static Set<String> ips(ResolverSnapshot.Endpoint e) {
    Set<String> out = new HashSet<>();
    for (ResolverSnapshot.Address a : e.addresses()) {
      String s = a.address();
      out.add(s.startsWith("[") ? s.substring(1, s.indexOf(']')) : s.substring(0, s.lastIndexOf(':')));
    }
    return out;
  }

  /** IPv4 /24 and IPv6 /48 prefixes. */
  private static Set<String> networks(ResolverSnapshot.Endpoint e) {
    Set<String> out = new HashSet<>();
    for (String ip : ips(e)) {
      Optional<InetAddress> a = io.github.failoverresolver.internal.dns.ServerSpecs.ipLiteral(ip);
      if (a.isEmpty()) {
        continue;
      }
      byte[] raw = a.get().getAddress();
      if (raw.length == 4) {
        out.add((raw[0] & 0xff) + "." + (raw[1] & 0xff) + "." + (raw[2] & 0xff) + ".0/24");
      } else {
        out.add(String.format("%02x%02x:%02x%02x:%02x%02x::/48", raw[0], raw[1], raw[2], raw[3], raw[4], raw[5]));
      }
    }
    return out;
  }

  /** The NS set of the closest enclosing zone that has one. */
  static Set<String> nameServers(String host, DnsCache dns) {
    if (io.github.failoverresolver.internal.dns.ServerSpecs.ipLiteral(host).isPresent()) {
      return Set.of();
    }
    List<String> labels = Arrays.asList(host.split("\\."));
    for (int i = 0; i < labels.size(); i++) {
      String zone = String.join(".", labels.subList(i, labels.size()));
      try {
        DnsAnswer a = dns.lookup(zone, RecordType.NS);
        if (!a.nameServers().isEmpty()) {
          return new TreeSet<>(a.nameServers());
        }
      } catch (DnsLookupException unreachable) {
        return Set.of();
      }
    }
    return Set.of();
  }

  private static String host(String endpoint) {
    return endpoint.startsWith("[") ? endpoint.substring(1, endpoint.indexOf(']'))
        : endpoint.substring(0, endpoint.lastIndexOf(':'));
  }

  private static String provider(String dnsNote) {
    int from = dnsNote.indexOf(" from ");
    if (from < 0) {
      return "";
    }
    String rest = dnsNote.substring(from + 6);
    int end = rest.indexOf(' ');
    int semi = rest.indexOf(';');
    int cut = end < 0 ? semi : (semi < 0 ? end : Math.min(end, semi));
    return cut < 0 ? rest : rest.substring(0, cut);
  }

  private static Optional<ResolverSnapshot.Tls> tls(ResolverSnapshot.Endpoint e) {
    return e.addresses().stream().map(ResolverSnapshot.Address::tls).flatMap(Optional::stream).findFirst();
  }
}

package io.github.failoverresolver.internal.report;

import io.github.failoverresolver.DnsAnswer;
import io.github.failoverresolver.DnsCache;
import io.github.failoverresolver.DnsLookupException;
import io.github.failoverresolver.Finding;
import io.github.failoverresolver.RecordType;
import io.github.failoverresolver.ResolverSnapshot;
import io.github.failoverresolver.internal.dns.ServerSpecs;
import io.github.failoverresolver.internal.policy.FaultDomains;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The independence report: each backup endpoint compared with each endpoint of the primary tier by
 * {@link FaultDomains#compare} (the rule that also blocks under {@code requireIndependence}), with the name
 * servers of their zones looked up in the DNS cache. Reads the typed snapshot's fields; stateless.
 */
public final class Independence {
  private Independence() {}

  public static List<Finding> findings(ResolverSnapshot.Service service, DnsCache dns) {
    List<Finding> out = new ArrayList<>();
    int primary = service.primaryTier();
    for (ResolverSnapshot.Endpoint p : service.endpoints()) {
      if (p.tier() != primary) {
        continue;
      }
      FaultDomains.Facts pf = facts(p, dns);
      for (ResolverSnapshot.Endpoint b : service.endpoints()) {
        if (b.tier() != primary) {
          for (FaultDomains.Shared s : FaultDomains.compare(pf, facts(b, dns))) {
            out.add(new Finding(service.name(), p.name(), b.name(), b.tier(), s.kind().severity(), s.kind().keyword(),
                sentence(p, b, s)));
          }
        }
      }
    }
    return out;
  }

  static FaultDomains.Facts facts(ResolverSnapshot.Endpoint e, DnsCache dns) {
    Set<InetAddress> ips = new LinkedHashSet<>();
    Set<String> leaves = new TreeSet<>();
    Set<String> issuers = new TreeSet<>();
    for (ResolverSnapshot.Address a : e.addresses()) {
      ips.add(a.address().getAddress());
      a.tls().flatMap(ResolverSnapshot.Tls::leafSha256).ifPresent(leaves::add);
      a.tls().flatMap(ResolverSnapshot.Tls::issuer).ifPresent(issuers::add);
    }
    boolean shares = e.credential().map(ResolverSnapshot.Credential::shared).orElse(false);
    return new FaultDomains.Facts(e.name(), ips, nameServers(e.host(), dns), e.dns().provider(), leaves, issuers,
        shares);
  }

  private static String sentence(ResolverSnapshot.Endpoint p, ResolverSnapshot.Endpoint b, FaultDomains.Shared s) {
    String values = String.join(", ", s.values());
    return switch (s.kind()) {
      case SAME_ADDRESS -> p.name() + " and " + b.name() + " share the address " + values
          + ": one machine or load balancer failing takes both.";
      case SAME_NETWORK -> p.name() + " and " + b.name() + " have addresses in the same network " + values
          + ": one routing or data-centre failure can take both.";
      case SAME_NAME_SERVERS -> "both names are served by the same authoritative name servers " + s.values()
          + ": a DNS provider outage hides both.";
      case SOME_NAME_SERVERS -> "the names share the name servers " + s.values() + ".";
      case SAME_DNS_PROVIDER -> "both names were resolved through the DNS provider '" + values
          + "'; configure a second provider to survive its outage.";
      case SAME_CERTIFICATE -> "both present the same certificate (and so the same private key): revoking or losing"
          + " it breaks both.";
      case SAME_CA -> "both certificates are issued by " + values + ": a CA incident or distrust hits both.";
      case SAME_CREDENTIAL -> b.name() + " uses the same secret as a better tier: a leaked or revoked secret fails"
          + " both.";
    };
  }

  /** The NS set of the closest enclosing zone that has one; empty for IP literals or when DNS does not answer. */
  static Set<String> nameServers(String host, DnsCache dns) {
    if (ServerSpecs.ipLiteral(host).isPresent()) {
      return Set.of();
    }
    String zone = host;
    while (!zone.isEmpty()) {
      try {
        DnsAnswer a = dns.lookup(zone, RecordType.NS);
        if (!a.nameServers().isEmpty()) {
          return new TreeSet<>(a.nameServers());
        }
      } catch (DnsLookupException unreachable) {
        return Set.of();
      }
      int dot = zone.indexOf('.');
      zone = dot < 0 ? "" : zone.substring(dot + 1);
    }
    return Set.of();
  }
}

package io.github.failoverresolver.internal.dns;

import io.github.failoverresolver.DnsAnswer.Status;
import io.github.failoverresolver.DnsLookupException;
import io.github.failoverresolver.DnsProvider;
import io.github.failoverresolver.SrvRecord;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Turns upstream responses into one answer for (name, type): follows CNAME chains inside a response and
 * across queries (bounded, loops detected), takes the smallest TTL on the way, and reads negative TTLs
 * from the SOA (RFC 2308 section 5). Stateless apart from its client; thread-safe.
 */
final class NameResolution {
  /** How long a hosts-file entry is fresh before the file is consulted again. */
  static final long HOSTS_TTL_SECONDS = 60;

  /** One resolved answer before clamping; {@code ttlSeconds} is the raw minimum along the way. */
  record Resolved(Status status, List<String> chain, List<InetAddress> addresses, List<SrvRecord> srv,
      List<String> nameServers, String source, long ttlSeconds) {}

  private final UpstreamClient client;
  private final int maxChain;

  NameResolution(UpstreamClient client, int maxChain) {
    this.client = client;
    this.maxChain = maxChain;
  }

  Resolved resolve(Name qname, int type) throws DnsLookupException {
    return resolve(qname, type, Optional.empty());
  }

  Resolved resolve(Name qname, int type, Optional<List<DnsProvider>> order) throws DnsLookupException {
    Name current = qname;
    List<Name> chain = new ArrayList<>(0);
    Set<Name> seen = null; // made at the first CNAME: most answers have none
    long ttl = Long.MAX_VALUE;
    for (int queries = 0; queries <= maxChain; queries++) {
      UpstreamClient.Result result = order.isPresent()
          ? client.query(current, type, order.get())
          : client.query(current, type);
      if (result instanceof UpstreamClient.Failed failed) {
        String what = chain.isEmpty() ? "no provider answered" : "no provider answered for CNAME target " + current;
        throw new DnsLookupException(qname.toString(), what + " (" + Type.string(type) + ")", failed.attempts());
      }
      if (result instanceof UpstreamClient.HostsEntry hosts) {
        return new Resolved(Status.NOERROR, names(chain), List.of(hosts.address()), List.of(), List.of(),
            hosts.provider() + " (hosts file)", Math.min(ttl, HOSTS_TTL_SECONDS));
      }
      UpstreamClient.Response response = (UpstreamClient.Response) result;
      Message m = response.message();
      List<Record> answers = m.getSection(Section.ANSWER);
      Name atStart = current;
      while (true) {
        List<Record> matches = new ArrayList<>(answers.size());
        CNAMERecord alias = null;
        for (Record r : answers) {
          if (r.getType() == type && r.getName().equals(current)) {
            matches.add(r);
          } else if (alias == null && r.getType() == Type.CNAME && r.getName().equals(current)) {
            alias = (CNAMERecord) r;
          }
        }
        if (!matches.isEmpty()) {
          for (Record r : matches) {
            ttl = Math.min(ttl, r.getTTL());
          }
          return positive(qname, type, chain, matches, response.provider(), ttl);
        }
        if (alias == null) {
          break;
        }
        ttl = Math.min(ttl, alias.getTTL());
        Name target = alias.getTarget();
        chain.add(target);
        if (seen == null) {
          seen = new HashSet<>();
          seen.add(qname);
        }
        if (!seen.add(target)) {
          throw new DnsLookupException(qname.toString(), "CNAME loop: " + qname + " -> "
              + String.join(" -> ", names(chain)), List.of());
        }
        if (chain.size() > maxChain) {
          throw new DnsLookupException(qname.toString(), "CNAME chain longer than " + maxChain + ": " + qname + " -> "
              + String.join(" -> ", names(chain)), List.of());
        }
        current = target;
        if (client.requiresDnssec(target) && !client.requiresDnssec(atStart)) {
          // the chain enters a zone that requires DNSSEC, but this response answered a name outside it (maybe
          // from a non-validating provider): its data for the target is not believed; the target is asked
          // for on its own, where only a validating provider's authenticated answer counts
          break;
        }
      }
      if (!current.equals(atStart) && client.requiresDnssec(current) && !client.requiresDnssec(atStart)) {
        continue; // ask again for the target, under its zone's rule
      }
      Optional<SOARecord> soa = Optional.empty();
      for (Record r : m.getSection(Section.AUTHORITY)) {
        if (r.getType() == Type.SOA) {
          soa = Optional.of((SOARecord) r);
          break;
        }
      }
      // -1: no SOA, so not cacheable at all (RFC 2308 section 5); an SOA's 0 gets the cache's floor
      long negativeTtl = soa.map(s -> Math.min(s.getTTL(), s.getMinimum())).orElse(-1L);
      if (m.getRcode() == Rcode.NXDOMAIN) {
        return new Resolved(Status.NXDOMAIN, names(chain), List.of(), List.of(), List.of(), response.provider(),
            Math.min(ttl, negativeTtl));
      }
      if (soa.isPresent() || current.equals(atStart)) {
        return new Resolved(Status.NODATA, names(chain), List.of(), List.of(), List.of(), response.provider(),
            Math.min(ttl, negativeTtl));
      }
      // the chain left the server's data: ask again for where it ends up
    }
    throw new DnsLookupException(qname.toString(), "CNAME chain longer than " + maxChain + ": " + qname + " -> "
        + String.join(" -> ", names(chain)), List.of());
  }

  private static Resolved positive(Name asked, int type, List<Name> chain, List<Record> matches, String source,
      long ttl) {
    // the name asked for, not the CNAME target's, with no trailing dot: a socket made from one of these
    // addresses has TLS check the certificate against the name the caller meant; duplicates are dropped
    String askedFor = asked.toString(true);
    java.util.Set<InetAddress> addresses = new java.util.LinkedHashSet<>();
    List<SrvRecord> srv = new ArrayList<>();
    List<String> ns = new ArrayList<>();
    for (Record r : matches) {
      if (r instanceof ARecord a && usable(a.getAddress())) {
        addresses.add(named(askedFor, a.getAddress()));
      } else if (r instanceof AAAARecord a && usable(a.getAddress())) {
        addresses.add(named(askedFor, a.getAddress()));
      } else if (r instanceof SRVRecord s) {
        srv.add(new SrvRecord(s.getPriority(), s.getWeight(), s.getPort(), s.getTarget().toString()));
      } else if (r instanceof org.xbill.DNS.NSRecord n) {
        ns.add(n.getTarget().toString().toLowerCase(java.util.Locale.ROOT));
      }
    }
    return new Resolved(Status.NOERROR, names(chain), List.copyOf(addresses), srv, ns, source, ttl);
  }

  /**
   * Whether an answer's address can be a destination: not the unspecified address (0.0.0.0 or ::, which
   * reaches this very machine), not multicast, not the IPv4 broadcast address.
   */
  static boolean usable(InetAddress a) {
    byte[] raw = a.getAddress();
    boolean broadcast = raw.length == 4 && (raw[0] & raw[1] & raw[2] & raw[3]) == (byte) 0xff;
    return !a.isAnyLocalAddress() && !a.isMulticastAddress() && !broadcast;
  }

  private static InetAddress named(String host, InetAddress address) {
    try {
      return InetAddress.getByAddress(host, address.getAddress());
    } catch (java.net.UnknownHostException impossible) { // only for a bad length, which a record cannot have
      return address;
    }
  }

  private static List<String> names(List<Name> chain) {
    if (chain.isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>(chain.size());
    for (Name n : chain) {
      out.add(n.toString());
    }
    return out;
  }
}

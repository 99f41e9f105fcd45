package io.github.failoverresolver.internal.dns;

import io.github.failoverresolver.internal.Sanitize;
import io.github.failoverresolver.DnsProvider;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import org.xbill.DNS.hosts.HostsFileParser;

/**
 * Asks providers in order for one (name, type): each provider gets {@code queryTimeout} of real time,
 * shared among its servers; a timeout, SERVFAIL, REFUSED or unusable answer moves on. A provider whose
 * servers all failed is asked last for {@code providerRetryAfter}. Thread-safe.
 */
final class UpstreamClient {
  /** EDNS payload size advertised (DNS flag day 2020): larger answers come truncated and go to TCP. */
  private static final int EDNS_PAYLOAD = 1232;

  /** What asking the providers produced. */
  sealed interface Result {}

  /** A definitive response (NOERROR or NXDOMAIN) from one provider. */
  record Response(Message message, String provider, InetSocketAddress server) implements Result {}

  /** An entry of a provider's hosts file. */
  record HostsEntry(InetAddress address, String provider) implements Result {}

  /** No provider answered; one line per attempt. */
  record Failed(List<String> attempts) implements Result {}

  private final List<DnsProvider> providers;
  private final Duration queryTimeout;
  private final Duration retryAfter;
  private final Clock clock;
  private final LongAdder sent;
  private final Map<String, Long> penalizedUntil = new ConcurrentHashMap<>();
  private final Map<Path, HostsFileParser> hostsFiles = new ConcurrentHashMap<>();

  private final List<Name> dnssecZones;
  /** Queries by provider and result (a bounded set of words: {@link #RESULTS}). */
  private final Map<String, Map<String, LongAdder>> byProvider = new ConcurrentHashMap<>();
  /** Every result word a query is counted under: bounded, so metrics tags stay few. */
  public static final List<String> RESULTS = List.of("answer", "nxdomain", "hosts", "servfail", "refused",
      "other-rcode", "unauthenticated", "failed");

  UpstreamClient(List<DnsProvider> providers, Duration queryTimeout, Duration retryAfter, Clock clock, LongAdder sent,
      java.util.Set<String> dnssecZones) {
    this.dnssecZones = dnssecZones.stream().map(z -> Name.fromConstantString(z)).toList();
    this.providers = List.copyOf(providers);
    this.queryTimeout = queryTimeout;
    this.retryAfter = retryAfter;
    this.clock = clock;
    this.sent = sent;
  }

  List<DnsProvider> providers() {
    return providers;
  }

  private void count(String provider, String result) {
    byProvider.computeIfAbsent(provider, p -> {
      Map<String, LongAdder> m = new ConcurrentHashMap<>();
      RESULTS.forEach(r -> m.put(r, new LongAdder()));
      return m;
    }).get(result).increment();
  }

  /** Queries by provider (in configured order) and result, every result present. */
  Map<String, Map<String, Long>> counts() {
    Map<String, Map<String, Long>> out = new java.util.LinkedHashMap<>();
    for (DnsProvider p : providers) {
      Map<String, LongAdder> m = byProvider.get(p.name());
      Map<String, Long> c = new java.util.LinkedHashMap<>();
      RESULTS.forEach(r -> c.put(r, m == null ? 0L : m.get(r).sum()));
      out.put(p.name(), java.util.Collections.unmodifiableMap(c));
    }
    return java.util.Collections.unmodifiableMap(out);
  }

  /** Asks the providers in preference order: healthy ones first, in configured order. */
  Result query(Name name, int type) {
    long now = clock.millis();
    List<DnsProvider> order = new ArrayList<>(providers.size());
    List<DnsProvider> penalized = new ArrayList<>();
    for (DnsProvider p : providers) {
      Long until = penalizedUntil.get(p.name());
      (until != null && until > now ? penalized : order).add(p);
    }
    order.addAll(penalized);
    return query(name, type, order);
  }

  /** Whether answers for {@code name} must be DNSSEC-authenticated by a validating provider. */
  boolean requiresDnssec(Name name) {
    return signedZone(name).isPresent();
  }

  /** The configured DNSSEC zone {@code name} is in, if any (a loop: no stream per query). */
  private Optional<Name> signedZone(Name name) {
    for (Name zone : dnssecZones) {
      if (name.subdomain(zone)) {
        return Optional.of(zone);
      }
    }
    return Optional.empty();
  }

  /** Asks exactly these providers, in this order. */
  Result query(Name name, int type, List<DnsProvider> order) {
    List<String> attempts = new ArrayList<>();
    Optional<Name> signedZone = signedZone(name);
    for (DnsProvider provider : order) {
      if (signedZone.isPresent() && !provider.validating()) {
        // not a failure of the provider: it is simply not asked for this zone
        attempts.add(provider.name() + ": skipped, not a validating resolver, and " + signedZone.get()
            + " requires DNSSEC");
        continue;
      }
      Optional<Result> r = ask(provider, name, type, attempts);
      if (r.isPresent()) {
        penalizedUntil.remove(provider.name());
        return r.get();
      }
      penalizedUntil.put(provider.name(), clock.millis() + retryAfter.toMillis());
    }
    return new Failed(attempts);
  }

  private Optional<Result> ask(DnsProvider provider, Name name, int type, List<String> attempts) {
    Optional<Name> signedZone = signedZone(name);
    if (signedZone.isEmpty() && provider.hostsFile().isPresent() && (type == Type.A || type == Type.AAAA)) {
      Path file = provider.hostsFile().get();
      try {
        Optional<InetAddress> hit = hostsFiles.computeIfAbsent(file, HostsFileParser::new).getAddressForHost(name, type);
        if (hit.isPresent()) {
          count(provider.name(), "hosts");
          return Optional.of(new HostsEntry(hit.get(), provider.name()));
        }
      } catch (IOException e) {
        attempts.add(provider.name() + " hosts file " + file + ": unreadable (" + e.getMessage() + ")");
      }
    }
    List<InetSocketAddress> servers = provider.servers();
    long budgetEnd = System.nanoTime() + queryTimeout.toNanos();
    for (int i = 0; i < servers.size(); i++) {
      InetSocketAddress server = servers.get(i);
      long remaining = budgetEnd - System.nanoTime();
      if (remaining <= 0) {
        attempts.add(provider.name() + " " + describe(server) + ": not tried, provider's " + queryTimeout.toMillis()
            + " ms used up");
        continue;
      }
      long deadline = System.nanoTime() + remaining / (servers.size() - i);
      Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
      query.addRecord(new OPTRecord(EDNS_PAYLOAD, 0, 0), org.xbill.DNS.Section.ADDITIONAL);
      query.getHeader().setFlag(org.xbill.DNS.Flags.AD); // RFC 6840 5.7: ask a validating resolver for the AD bit
      long started = System.nanoTime();
      try {
        Message response = provider.doh().isPresent()
            ? DnsTransport.doh(provider.doh().get(), server, provider.dohTls().orElseGet(UpstreamClient::defaultTls),
                query, deadline, transport -> sent.increment())
            : DnsTransport.exchange(server, query, deadline, transport -> sent.increment());
        if (response.getRcode() == Rcode.FORMERR && response.getOPT() == null && provider.doh().isEmpty()) {
          // a pre-EDNS server (RFC 6891 section 7): ask once more without the OPT record
          Message plain = Message.newQuery(Record.newRecord(name, type, DClass.IN));
          response = DnsTransport.exchange(server, plain, deadline, transport -> sent.increment());
        }
        int rcode = response.getRcode();
        if ((rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN) && signedZone.isPresent()
            && !response.getHeader().getFlag(org.xbill.DNS.Flags.AD)) {
          count(provider.name(), "unauthenticated");
          attempts.add(provider.name() + " " + describe(server) + ": " + Rcode.string(rcode)
              + " but not DNSSEC-authenticated (AD bit clear): " + signedZone.get()
              + " requires DNSSEC, so the answer is unsigned or was not validated");
          continue;
        }
        if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN) {
          count(provider.name(), rcode == Rcode.NOERROR ? "answer" : "nxdomain");
          return Optional.of(new Response(response, provider.name(), server));
        }
        count(provider.name(), rcode == Rcode.SERVFAIL ? "servfail" : rcode == Rcode.REFUSED ? "refused" : "other-rcode");
        attempts.add(provider.name() + " " + describe(server) + ": " + Rcode.string(rcode) + extendedError(response));
      } catch (DnsTransport.ExchangeFailure f) {
        count(provider.name(), "failed"); // timed out, unreachable or an unusable reply
        attempts.add(provider.name() + " " + describe(server) + ": " + f.getMessage() + " after "
            + (System.nanoTime() - started) / 1_000_000 + " ms");
      }
    }
    return Optional.empty();
  }

  /** The RFC 8914 extended DNS error of a response, as " (EDE 6 DNSSEC Bogus: text)", or "". */
  static String extendedError(Message response) {
    OPTRecord opt = response.getOPT();
    if (opt == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (org.xbill.DNS.EDNSOption o : opt.getOptions(org.xbill.DNS.EDNSOption.Code.EDNS_EXTENDED_ERROR)) {
      if (o instanceof org.xbill.DNS.ExtendedErrorCodeOption ede) {
        sb.append(" (EDE ").append(ede.getErrorCode()).append(' ')
            .append(org.xbill.DNS.ExtendedErrorCodeOption.text(ede.getErrorCode()))
            .append(ede.getText() == null || ede.getText().isEmpty() ? ""
                : ": " + Sanitize.text(ede.getText())).append(')');
      }
    }
    return sb.toString();
  }

  static javax.net.ssl.SSLContext defaultTls() {
    try {
      return javax.net.ssl.SSLContext.getDefault();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no default TLS context", e);
    }
  }

  static String describe(InetSocketAddress server) {
    String host = server.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + server.getPort();
  }
}

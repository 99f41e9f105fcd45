package io.github.failoverresolver.internal.dns;

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

  UpstreamClient(List<DnsProvider> providers, Duration queryTimeout, Duration retryAfter, Clock clock, LongAdder sent) {
    this.providers = List.copyOf(providers);
    this.queryTimeout = queryTimeout;
    this.retryAfter = retryAfter;
    this.clock = clock;
    this.sent = sent;
  }

  List<DnsProvider> providers() {
    return providers;
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

  /** Asks exactly these providers, in this order. */
  Result query(Name name, int type, List<DnsProvider> order) {
    List<String> attempts = new ArrayList<>();
    for (DnsProvider provider : order) {
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
    if (provider.hostsFile().isPresent() && (type == Type.A || type == Type.AAAA)) {
      Path file = provider.hostsFile().get();
      try {
        Optional<InetAddress> hit = hostsFiles.computeIfAbsent(file, HostsFileParser::new).getAddressForHost(name, type);
        if (hit.isPresent()) {
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
      long started = System.nanoTime();
      try {
        Message response = DnsTransport.exchange(server, query, deadline, transport -> sent.increment());
        int rcode = response.getRcode();
        if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN) {
          return Optional.of(new Response(response, provider.name(), server));
        }
        attempts.add(provider.name() + " " + describe(server) + ": " + Rcode.string(rcode));
      } catch (DnsTransport.ExchangeFailure f) {
        attempts.add(provider.name() + " " + describe(server) + ": " + f.getMessage() + " after "
            + (System.nanoTime() - started) / 1_000_000 + " ms");
      }
    }
    return Optional.empty();
  }

  static String describe(InetSocketAddress server) {
    String host = server.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + server.getPort();
  }
}

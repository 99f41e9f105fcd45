package io.github.failoverresolver.samples;

import io.github.failoverresolver.DnsAnswer;
import io.github.failoverresolver.DnsCache;
import io.github.failoverresolver.DnsLookupException;
import io.github.failoverresolver.DnsSettings;
import io.github.failoverresolver.FailoverEvent;
import io.github.failoverresolver.RecordType;
import io.github.failoverresolver.SrvRecord;
import io.github.failoverresolver.Upstreams;
import io.github.failoverresolver.testing.LoopbackDnsServer;
import io.github.failoverresolver.testing.LoopbackDnsServer.Fault;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The DNS layer on its own, on loopback only: two embedded DNS servers as two providers, a cache in front
 * of them, then the primary provider goes silent and finally both do.
 */
public final class DnsDemo {
  private static final long START = System.nanoTime();

  public static void main(String[] args) throws Exception {
    try (LoopbackDnsServer primaryDns = LoopbackDnsServer.start();
        LoopbackDnsServer backupDns = LoopbackDnsServer.start()) {
      for (LoopbackDnsServer dns : List.of(primaryDns, backupDns)) {
        dns.zone("demo", 3600, 30)
            .a("payments.demo", 2, "127.0.0.10", "127.0.0.11")
            .cname("api.demo", 60, "payments.demo")
            .srv("_https._tcp.payments.demo", 60, 10, 3, 8443, "eu.payments.demo")
            .srv("_https._tcp.payments.demo", 60, 10, 1, 8443, "us.payments.demo")
            .srv("_https._tcp.payments.demo", 60, 20, 0, 9443, "dr.payments.demo");
      }
      DnsSettings settings = DnsSettings.builder()
          .provider("primary-dns", Upstreams.of(primaryDns.hostAndPort()))
          .provider("backup-dns", Upstreams.of(backupDns.hostAndPort()))
          .queryTimeout(Duration.ofMillis(300))
          .maxStale(Duration.ofMinutes(5))
          .build();
      say("two DNS providers on loopback: primary-dns %s, backup-dns %s", primaryDns.hostAndPort(),
          backupDns.hostAndPort());
      try (DnsCache dns = DnsCache.builder(settings)
          .listener(e -> {
            if (e instanceof FailoverEvent.StaleAnswerServed s) {
              say("  event: stale answer served for %s (%d ms past its TTL): %s", s.name(), s.age().toMillis(),
                  s.reason());
            }
          })
          .build()) {
        timed("cold lookup of api.demo (CNAME to payments.demo)", () -> describe(dns.lookup("api.demo", RecordType.A)));
        timed("warm lookup of api.demo", () -> describe(dns.lookup("api.demo", RecordType.A)));
        long t0 = System.nanoTime();
        for (int i = 0; i < 100_000; i++) {
          dns.lookup("api.demo", RecordType.A);
        }
        say("100,000 more warm lookups: %.2f us each on average", (System.nanoTime() - t0) / 1e3 / 100_000);
        List<SrvRecord> srv = dns.srv("_https._tcp.payments.demo");
        say("SRV _https._tcp.payments.demo in the order to try: %s", srv);

        say("payments.demo has TTL 2 s; looking it up every 250 ms for 5 s (refresh-ahead keeps it fresh)");
        dns.addresses("payments.demo"); // warm-up: the first A and AAAA lookups wait for DNS
        long before = dns.stats().blockingLookups();
        for (int i = 0; i < 20; i++) {
          dns.addresses("payments.demo");
          Thread.sleep(250);
        }
        say("  callers that had to wait for DNS in those 5 s: %d; background refreshes so far: %d",
            dns.stats().blockingLookups() - before, dns.stats().refreshes());

        say("primary-dns stops answering (packets dropped)");
        primaryDns.fault(Fault.DROP);
        backupDns.a("new.demo", 60, "127.0.0.20");
        timed("cold lookup of new.demo", () -> describe(dns.lookup("new.demo", RecordType.A)));

        say("backup-dns fails too (SERVFAIL); payments.demo expires");
        backupDns.fault(Fault.SERVFAIL);
        Thread.sleep(2_100);
        timed("lookup of payments.demo", () -> describe(dns.lookup("payments.demo", RecordType.A)));
        try {
          dns.lookup("never-seen.demo", RecordType.A);
        } catch (DnsLookupException e) {
          say("a name never seen before cannot be answered: %s", e.getMessage());
        }
        say("stats: %s", dns.stats());
      }
    }
    say("done");
  }

  interface Step {
    String run() throws Exception;
  }

  private static void timed(String what, Step step) throws Exception {
    long t0 = System.nanoTime();
    String result = step.run();
    say("%s: %s (%.3f ms)", what, result, (System.nanoTime() - t0) / 1e6);
  }

  private static String describe(DnsAnswer a) {
    return a.addresses().stream().map(InetAddress::getHostAddress).collect(Collectors.joining(", "))
        + " from " + a.source() + (a.stale() ? " [STALE]" : "") + ", ttl " + a.ttl().toSeconds() + " s";
  }

  private static void say(String format, Object... args) {
    System.out.printf("[%6.3f s] %s%n", (System.nanoTime() - START) / 1e9, String.format(format, args));
  }
}

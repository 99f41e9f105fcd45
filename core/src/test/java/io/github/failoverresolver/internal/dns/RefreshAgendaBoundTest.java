package io.github.failoverresolver.internal.dns;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.failoverresolver.DnsSettings;
import io.github.failoverresolver.RecordType;
import io.github.failoverresolver.Upstreams;
import io.github.failoverresolver.internal.EventDispatcher;
import io.github.failoverresolver.testing.LoopbackDnsServer;
import io.github.failoverresolver.testing.ManualScheduler;
import org.junit.jupiter.api.Test;

/**
 * The refresh agenda holds no more keys than the cache: an application that resolves many more distinct names
 * than the cache keeps (each used twice, so each goes on the agenda) leaves no trail of evicted entries behind.
 */
class RefreshAgendaBoundTest {

  @Test
  void evictedEntriesLeaveTheAgenda() throws Exception {
    ManualScheduler time = new ManualScheduler();
    try (LoopbackDnsServer server = LoopbackDnsServer.start(time.clock())) {
      server.zone("test", 3600, 30);
      for (int i = 0; i < 600; i++) {
        server.a("n" + i + ".test", 3600, "127.0.0.1");
      }
      DnsSettings settings = DnsSettings.builder().provider("loopback", Upstreams.of(server.hostAndPort()))
          .maxEntries(100).build();
      DnsEngine dns = new DnsEngine(settings, time.clock(), time, Runnable::run, EventDispatcher.on(Runnable::run),
          true);
      try {
        for (int i = 0; i < 600; i++) {
          dns.lookup("n" + i + ".test", RecordType.A);
          dns.lookup("n" + i + ".test", RecordType.A); // a hit: used, so on the agenda
        }
        long cached = dns.cacheSizeAfterCleanUp();
        int onAgenda = dns.agendaSizeAfterCleanUp();
        assertTrue(cached <= 110, "the cache is bounded: " + cached);
        assertTrue(onAgenda <= cached, "agenda " + onAgenda + " > cache " + cached);
      } finally {
        dns.close();
      }
    }
  }
}

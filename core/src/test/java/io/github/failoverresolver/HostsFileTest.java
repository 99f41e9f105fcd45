package io.github.failoverresolver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.failoverresolver.testing.LoopbackDnsServer;
import io.github.failoverresolver.testing.ManualScheduler;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hosts file of a provider is consulted before its servers, as the system resolver does. */
class HostsFileTest {

  @Test
  void hostsEntryWinsAndOtherNamesGoToTheServers(@TempDir Path dir) throws Exception {
    Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.9 pinned.test pinned\n");
    ManualScheduler time = new ManualScheduler();
    try (LoopbackDnsServer server = LoopbackDnsServer.start(time.clock());
        DnsCache cache = DnsCache.builder(DnsSettings.builder()
                .provider("system", Upstreams.of(server.hostAndPort()).withHostsFile(hosts))
                .build())
            .clock(time.clock()).scheduler(time).executor(time).listenerExecutor(Runnable::run)
            .build()) {
      server.a("pinned.test", 60, "127.0.0.99").a("other.test", 60, "127.0.0.20");
      DnsAnswer pinned = cache.lookup("pinned.test", RecordType.A);
      assertEquals("system (hosts file)", pinned.source());
      assertEquals(List.of("127.0.0.9"), pinned.addresses().stream().map(InetAddress::getHostAddress).toList());
      assertEquals(0, server.queryCount("pinned.test"));
      assertEquals("system", cache.lookup("other.test", RecordType.A).source());
    }
  }
}

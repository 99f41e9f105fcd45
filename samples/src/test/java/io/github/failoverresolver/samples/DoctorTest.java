package io.github.failoverresolver.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.failoverresolver.testing.LoopbackDnsServer;
import io.github.failoverresolver.testing.LoopbackHttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The doctor against loopback fixtures: exit 0 when ready, 1 when not, 2 on a bad configuration. */
class DoctorTest {
  @TempDir
  Path dir;
  LoopbackDnsServer dns;
  LoopbackHttpServer primary;
  LoopbackHttpServer backup;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void fixtures() throws Exception {
    dns = LoopbackDnsServer.start();
    primary = LoopbackHttpServer.http("primary");
    backup = LoopbackHttpServer.start("backup", InetAddress.getByName("127.0.0.2"), 0, null);
    dns.zone("test", 3600, 30).a("primary.test", 300, "127.0.0.1").a("backup.test", 300, "127.0.0.2");
  }

  @AfterEach
  void close() {
    primary.close();
    backup.close();
    dns.close();
  }

  Path config() throws Exception {
    return Files.writeString(dir.resolve("payments.conf"), String.join("\n",
        "[dns]",
        "provider.local = " + dns.hostAndPort(),
        "[service payments]",
        "failback-stability = 30s",
        "[endpoint payments primary.test:" + primary.port() + "]",
        "tier = 0",
        "check = http /ready",
        "[endpoint payments backup.test:" + backup.port() + "]",
        "tier = 1",
        "check = http /ready",
        ""));
  }

  int doctor(String... args) {
    return Doctor.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void readyServiceExitsZeroAndShowsProgress() throws Exception {
    assertEquals(0, doctor(config().toString()));
    String report = out.toString(StandardCharsets.UTF_8);
    assertTrue(report.contains("service payments: READY (serving tier 0)"), report);
    assertTrue(report.endsWith("VERDICT: READY\n"), report);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("doctor: 2 of 2 endpoints resolved and checked"));
  }

  @Test
  void serviceWithNothingHealthyExitsOne() throws Exception {
    primary.readiness(503);
    backup.readiness(503);
    assertEquals(1, doctor(config().toString()));
    String report = out.toString(StandardCharsets.UTF_8);
    assertTrue(report.contains("service payments: NOT_READY"), report);
    assertTrue(report.contains("GET /ready answered 503"), report);
  }

  @Test
  void badConfigurationExitsTwoNamingFileLineAndKey() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.conf"), "[service payments]\nfailback-stability = soon\n");
    assertEquals(2, doctor(bad.toString()));
    assertEquals("doctor: bad configuration: " + bad + ":2: key 'failback-stability': 'soon' is not a duration"
        + " (like 500ms, 30s, 5m, 1h, 14d)\n", err.toString(StandardCharsets.UTF_8));
  }

  /** Every kind of bad configuration exits 2 with a message naming the file and line: no hang, no stack trace. */
  @Test
  void everyBadConfigurationExitsTwoNamingFileAndLine() throws Exception {
    String endpoint = "[endpoint payments primary.test:" + primary.port() + "]\ntier = 0\n";
    java.util.Map<String, String> cases = new java.util.LinkedHashMap<>();
    cases.put("[dns]\nquery-timeout = 200000d\n", ":2: key 'query-timeout': '200000d' must be at most 3650d");
    cases.put("[dns]\nmax-stale = 9999999999999999d\n", ":2: key 'max-stale': '9999999999999999d' is not a duration");
    cases.put("[service" + " ".repeat(4_000) + "x\n", ":1: unknown section");
    cases.put(endpoint + "check = http /ready -\n", ":3: key 'check': bad status range");
    cases.put(endpoint + "trust = /dev/zero\n", ":3: key 'trust': /dev/zero is larger than");
    cases.put("[service payments]\nfailback-stability = 20m\n" + endpoint, ":2: key 'failback-stability': '20m' is"
        + " greater than max-failback-stability = 10m");
    cases.put("[endpoint payments a b.test:443]\ntier = 0\n", ":1: expected [endpoint SERVICE HOST:PORT]");
    cases.put("[endpoint payments -a.test:443]\ntier = 0\n", ":1: [endpoint payments -a.test:443]: "
        + "service[payments].tier[0].endpoint[-a.test:443]: '-a.test' is not a valid host name");
    for (java.util.Map.Entry<String, String> c : cases.entrySet()) {
      if (c.getKey().contains("/dev/zero") && !Files.exists(Path.of("/dev/zero"))) {
        continue;
      }
      Path bad = Files.writeString(dir.resolve("bad.conf"), c.getKey());
      err.reset();
      int exit = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10),
          () -> doctor(bad.toString()));
      String message = err.toString(StandardCharsets.UTF_8);
      assertEquals(2, exit, message);
      assertTrue(message.startsWith("doctor: bad configuration: " + bad + c.getValue()), message);
      assertTrue(!message.contains("\tat ") && !message.contains("Exception"), message);
    }
  }

  @Test
  void waitTakesTheFileFormAndABadOneExitsTwo() throws Exception {
    assertEquals(0, doctor(config().toString(), "--wait", "500ms"));
    assertEquals(2, doctor(config().toString(), "--wait", "10"));
    assertTrue(err.toString(StandardCharsets.UTF_8).endsWith("doctor: --wait: '10' is not a duration (like 500ms,"
        + " 30s, 5m, 1h, 14d)\n"), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void jsonOutputParses() throws Exception {
    backup.readiness(503);
    assertEquals(1, doctor(config().toString(), "--json"));
    JsonNode root = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
    assertEquals(false, root.get("ready").asBoolean());
    JsonNode service = root.get("services").get(0);
    assertEquals("payments", service.get("name").asText());
    assertEquals("DEGRADED", service.get("verdict").asText());
    assertEquals(2, service.get("endpoints").size());
    assertEquals("no backup endpoint is eligible: a primary failure would leave nothing",
        service.get("reasons").get(0).asText());
  }
}

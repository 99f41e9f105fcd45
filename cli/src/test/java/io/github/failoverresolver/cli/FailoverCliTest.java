package io.github.failoverresolver.cli;

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

/**
 * The command-line tool against loopback fixtures: each subcommand and exit code (0 ready, 1 not ready, 2 bad
 * configuration or usage), {@code --help}, bad usage; never a stack trace for a user error.
 */
class FailoverCliTest {
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

  int cli(String... args) {
    return FailoverCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), false);
  }

  int doctor(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "doctor";
    System.arraycopy(args, 0, all, 1, args.length);
    return cli(all);
  }

  String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void readyServiceExitsZeroAndShowsProgress() throws Exception {
    assertEquals(0, doctor(config().toString()));
    String report = out.toString(StandardCharsets.UTF_8);
    assertTrue(report.contains("service payments: READY (serving tier 0)"), report);
    assertTrue(report.endsWith("VERDICT: READY\n"), report);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("doctor: 2 of 2 endpoints resolved and checked"));
    // TTL audit: the fixture's records have a 300 s TTL; a warning, the verdict stays READY (exit 0)
    assertTrue(report.contains("dns ttl WARNING: primary.test is served with a TTL of 300 s, above 60 s"), report);
  }

  @Test
  void aShortTtlIsNotWarnedAndTheBoundIsASetting() throws Exception {
    dns.a("primary.test", 30, "127.0.0.1").a("backup.test", 30, "127.0.0.2");
    assertEquals(0, doctor(config().toString()));
    assertTrue(!out().contains("dns ttl"), out());
    dns.a("primary.test", 300, "127.0.0.1").a("backup.test", 300, "127.0.0.2");
    java.nio.file.Path relaxed = Files.writeString(dir.resolve("relaxed.conf"), Files.readString(config())
        .replace("failback-stability = 30s", "failback-stability = 30s\nttl-warn-above = 10m"));
    out.reset();
    assertEquals(0, doctor(relaxed.toString()));
    assertTrue(!out().contains("dns ttl"), out());
  }

  @Test
  void aBackupThatAcceptsUnauthenticatedRequestsMakesTheDoctorExitOneNamingIt() throws Exception {
    primary.status("/api", 401);
    backup.status("/api", 200);
    Path checked = Files.writeString(dir.resolve("access.conf"), Files.readString(config())
        .replace("check = http /ready", "check = http /ready\naccess-check = http /api"));
    assertEquals(1, doctor(checked.toString()));
    assertTrue(out().contains("backup.test:" + backup.port() + " accepts unauthenticated requests: never handed out"),
        out());
    assertTrue(out().contains("access CRITICAL: backup.test:" + backup.port() + " accepts unauthenticated requests:"
        + " GET /api without a credential answered 200"), out());
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
    err.reset();
    assertEquals(2, doctor(config().toString(), "--wait", "10"));
    assertTrue(err().startsWith("Invalid value for option '--wait': '10' is not a duration (like 500ms,"
        + " 30s, 5m, 1h, 14d)\n"), err());
    assertTrue(err().contains("Usage: failover-resolver doctor"), err());
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

  @Test
  void progressOnAPipeIsPlainLinesAndTheReportAloneOnStandardOutput() throws Exception {
    assertEquals(0, doctor(config().toString()));
    assertTrue(!err().contains("\r") && !err().contains("\u001b"), err());
    assertTrue(out().startsWith("Readiness report at "), out());
    assertTrue(!out().contains("endpoints resolved and checked"), out());
  }

  @Test
  void drillDryRunNamesTheBackupAndExitsZeroWhenItIsReady() throws Exception {
    assertEquals(0, cli("drill", config().toString(), "payments"));
    assertTrue(out().startsWith("if tier 0 of 'payments' died now: traffic would go to backup.test:" + backup.port()
        + " (tier 1), ready"), out());
  }

  @Test
  void drillDryRunExitsOneWhenTheBackupIsNotReady() throws Exception {
    backup.readiness(503);
    assertEquals(1, cli("drill", config().toString(), "payments"));
    assertTrue(out().contains("NO target would be left, NOT ready"), out());
  }

  @Test
  void liveDrillSwitchesToTheBackupAndPutsThePrimaryBack() throws Exception {
    assertEquals(0, cli("drill", config().toString(), "payments", "--live", "1s"));
    assertTrue(out().startsWith("live drill of 'payments'"), out());
    assertTrue(out().contains("switched in ") && out().contains("to backup.test:" + backup.port()), out());
  }

  @Test
  void drillOfAnUnknownServiceExitsTwoNamingIt() throws Exception {
    assertEquals(2, cli("drill", config().toString(), "billing"));
    assertEquals("drill: unknown service 'billing'; configured: [payments]\n", lastLine(err()));
  }

  @Test
  void reportPrintsReadinessDrillAndIndependenceOfEveryService() throws Exception {
    assertEquals(0, cli("report", config().toString()));
    assertTrue(out().contains("VERDICT: READY"), out());
    assertTrue(out().contains("drill payments: if tier 0 of 'payments' died now: traffic would go to backup.test"),
        out());
    // both endpoints on 127.0.0.0/24 and served by the same DNS provider
    assertTrue(out().contains("independence payments: "), out());
    assertTrue(out().contains("same-network"), out());
  }

  @Test
  void reportOfABadConfigurationExitsTwo() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.conf"), "[service payments]\nmin-eligible = many\n");
    assertEquals(2, cli("report", bad.toString()));
    assertTrue(err().startsWith("report: bad configuration: " + bad + ":2: key 'min-eligible'"), err());
  }

  @Test
  void helpForTheToolAndEachSubcommandExitsZero() {
    assertEquals(0, cli("--help"));
    assertTrue(out().contains("doctor") && out().contains("drill") && out().contains("report"), out());
    assertTrue(out().contains("Exit codes: 0 ready, 1 not ready, 2 bad configuration or usage"), out());
    for (String sub : new String[] {"doctor", "drill", "report"}) {
      out.reset();
      assertEquals(0, cli(sub, "--help"));
      assertTrue(out().startsWith("Usage: failover-resolver " + sub), out());
      assertTrue(out().contains("--wait=DURATION"), out());
    }
  }

  @Test
  void badUsageExitsTwoWithUsageAndNoStackTrace() {
    assertEquals(2, cli("doktor"));
    assertTrue(err().contains("Did you mean: failover-resolver doctor"), err());
    String[][] cases = {{}, {"doktor"}, {"doctor"}, {"drill", "x.conf"}, {"doctor", "x.conf", "--jsn"},
        {"drill", "x.conf", "payments", "--live", "soon"}};
    for (String[] args : cases) {
      err.reset();
      assertEquals(2, cli(args), String.join(" ", args) + ": " + err());
      assertTrue(err().contains("Usage: failover-resolver"), err());
      assertTrue(!err().contains("\tat ") && !err().contains("Exception"), err());
    }
  }

  @Test
  void aMissingConfigurationFileExitsTwoNamingIt() {
    assertEquals(2, cli("doctor", dir.resolve("nope.conf").toString()));
    assertTrue(err().startsWith("doctor: bad configuration: "), err());
    assertTrue(err().contains("nope.conf"), err());
    assertTrue(!err().contains("\tat "), err());
  }

  @Test
  void onATerminalProgressRedrawsOneLineAndClearsIt() throws Exception {
    int exit = FailoverCli.run(new String[] {"doctor", config().toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), true);
    assertEquals(0, exit);
    assertTrue(err().startsWith("\r\u001b[2Kdoctor: "), err());
    assertTrue(err().endsWith("\r\u001b[2K"), err()); // cleared before the report
    assertTrue(!err().contains("\n"), err());
    assertTrue(out().startsWith("Readiness report at "), out());
  }

  static String lastLine(String text) {
    String[] lines = text.split("\n");
    return lines[lines.length - 1] + "\n";
  }
}

package io.github.failoverresolver;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real Knot (authoritative, signing signed.test) and Unbound (recursive and validating, stub zones pointing
 * at Knot) on free loopback ports, with their configuration and data under target/interop. Processes are
 * killed on close, and by a shutdown hook if the JVM dies first. When the binaries are missing the tests
 * are skipped with a message, except under CI (CI=true), where they fail.
 */
final class InteropDaemons implements AutoCloseable {
  static final String KNOTD = "/usr/sbin/knotd";
  static final String KNOTC = "/usr/sbin/knotc";
  static final String KEYMGR = "/usr/sbin/keymgr";
  static final String UNBOUND = "/usr/sbin/unbound";

  final Path dir;
  final int knotPort;
  private final Path socket;
  int unboundPort;
  private final List<Process> processes = new ArrayList<>();
  private final Thread killer = new Thread(this::killAll, "interop-daemon-killer");
  private Process unbound;
  private Process knot;

  /** Skips (or, under CI, fails) when Knot or Unbound is not installed. */
  static boolean present() {
    return List.of(KNOTD, KNOTC, KEYMGR, UNBOUND).stream().allMatch(p -> Files.isExecutable(Path.of(p)));
  }

  static void requireBinaries() {
    boolean present = present();
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("interop tests need Debian's knot and unbound (bash .ci/run installs them)");
    }
    assumeTrue(present, "SKIPPED: interop tests need Debian's knot and unbound; install them (apt-get install -y knot"
        + " unbound) or run bash .ci/run, which does");
  }

  /** The first line of each server's version output, for the test log. */
  static String versions() throws IOException, InterruptedException {
    return firstLine(KNOTD, "-V") + " / " + firstLine(UNBOUND, "-V");
  }

  private static String firstLine(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(10, TimeUnit.SECONDS);
    return out.lines().findFirst().orElse("?").strip();
  }

  InteropDaemons(String name) throws IOException {
    dir = Path.of("target", "interop", name + "-" + System.nanoTime()).toAbsolutePath();
    Files.createDirectories(dir.resolve("db"));
    knotPort = freePort();
    // a Unix socket path must stay under 108 bytes, which a build directory may not
    socket = Files.createTempDirectory("knotc").resolve("knot.sock");
    Runtime.getRuntime().addShutdownHook(killer);
  }

  /** Writes a zone file (with SOA, NS and the given records) for {@code zone}. */
  void zone(String zone, int serial, String... records) throws IOException {
    List<String> lines = new ArrayList<>(List.of("$ORIGIN " + zone + ".", "$TTL 60",
        "@ SOA ns1 hostmaster " + serial + " 3600 600 86400 30", "@ NS ns1", "ns1 A 127.0.0.1"));
    lines.addAll(List.of(records));
    Files.write(dir.resolve(zone + ".zone"), lines);
  }

  void startKnot() throws Exception {
    Files.writeString(dir.resolve("knot.conf"), String.join("\n",
        "server:",
        "    rundir: \"" + dir + "\"",
        "    listen: 127.0.0.1@" + knotPort,
        "    udp-workers: 1",
        "    tcp-workers: 1",
        "    background-workers: 1",
        "database:",
        "    storage: \"" + dir.resolve("db") + "\"",
        "log:",
        "  - target: stderr",
        "    any: info",
        "control:",
        "    listen: \"" + socket + "\"",
        "template:",
        "  - id: default",
        "    storage: \"" + dir + "\"",
        "    file: \"%s.zone\"",
        "    zonefile-sync: -1",
        "    zonefile-load: whole",
        "    journal-content: none",
        "zone:",
        "  - domain: interop.test",
        "  - domain: signed.test",
        "    dnssec-signing: on",
        ""));
    knot = start("knot", KNOTD, "-c", dir.resolve("knot.conf").toString());
    awaitTcp(knotPort, "knotd");
  }

  /** The DS record of signed.test once Knot has signed it. */
  String signedZoneDs() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      Process p = new ProcessBuilder(KEYMGR, "-c", dir.resolve("knot.conf").toString(), "signed.test", "ds")
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(10, TimeUnit.SECONDS);
      var ds = out.lines().filter(l -> l.contains(" DS ") && l.contains(" 13 2 ")).findFirst();
      if (ds.isPresent()) {
        return ds.get();
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("knot did not sign signed.test: " + out);
      }
      Thread.sleep(50);
    }
  }

  /** Reloads the zones after their files changed. */
  void reloadKnot() throws Exception {
    Process p = new ProcessBuilder(KNOTC, "-c", dir.resolve("knot.conf").toString(), "zone-reload")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("knotc zone-reload failed: " + out);
    }
  }

  /**
   * Starts Unbound, validating signed.test with {@code trustAnchor}, its stub zones pointing at
   * {@code authority} (Knot's port, or a forger's).
   */
  int startUnbound(String configName, String trustAnchor, int authority) throws Exception {
    int port = freePort();
    Files.writeString(dir.resolve(configName + ".ta"), trustAnchor + "\n");
    Files.writeString(dir.resolve(configName + ".conf"), String.join("\n",
        "server:",
        "    interface: 127.0.0.1@" + port,
        "    port: " + port,
        "    do-daemonize: no",
        "    username: \"\"",
        "    chroot: \"\"",
        "    directory: \"" + dir + "\"",
        "    pidfile: \"" + dir.resolve(configName + ".pid") + "\"",
        "    use-syslog: no",
        "    logfile: \"\"",
        "    verbosity: 1",
        "    do-ip6: no",
        "    access-control: 127.0.0.0/8 allow",
        "    do-not-query-localhost: no",
        "    module-config: \"validator iterator\"",
        "    trust-anchor-file: \"" + dir.resolve(configName + ".ta") + "\"",
        "    domain-insecure: \"interop.test\"",
        "    local-zone: \".\" refuse",                      // never recurse to the internet
        "    local-zone: \"interop.test.\" transparent",
        "    local-zone: \"signed.test.\" transparent",
        "    ede: yes",
        // to its authorities over TCP: a stopped Knot is then a refused connection and an immediate
        // SERVFAIL, where over UDP Unbound keeps retrying for more than 30 s
        "    tcp-upstream: yes",
        "    val-log-level: 2",
        "stub-zone:",
        "    name: \"interop.test\"",
        "    stub-addr: 127.0.0.1@" + authority,
        "stub-zone:",
        "    name: \"signed.test\"",
        "    stub-addr: 127.0.0.1@" + authority,
        "remote-control:",
        "    control-enable: no",
        ""));
    Process p = start(configName, UNBOUND, "-d", "-c", dir.resolve(configName + ".conf").toString());
    if (unbound == null) {
      unbound = p;
      unboundPort = port;
    }
    awaitTcp(port, "unbound");
    return port;
  }

  void stopKnot() throws InterruptedException {
    stop(knot);
  }

  void stopUnbound() throws InterruptedException {
    stop(unbound);
  }

  private static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private Process start(String name, String... cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile()).start();
    processes.add(p);
    return p;
  }

  private void awaitTcp(int port, String what) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        return;
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(what + " did not start; see " + dir);
        }
        Thread.sleep(20);
      }
    }
  }

  private static int freePort() throws IOException {
    for (int i = 0; i < 50; i++) {
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      try (DatagramSocket d = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no free loopback port for both TCP and UDP");
  }

  private void killAll() {
    for (Process p : processes) {
      p.destroyForcibly();
    }
  }

  @Override
  public void close() {
    killAll();
    for (Process p : processes) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      Runtime.getRuntime().removeShutdownHook(killer);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
  }
}

package io.github.failoverresolver.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;

/** The loopback DNS server in the backends' process, driven over its stdin ({@link ScaleBackends}). */
final class RemoteDns {
  private final PrintStream child;
  private final BufferedReader childOut;
  private final String hostAndPort;

  private RemoteDns(PrintStream child, BufferedReader childOut, String hostAndPort) {
    this.child = child;
    this.childOut = childOut;
    this.hostAndPort = hostAndPort;
  }

  static RemoteDns start(PrintStream child, BufferedReader childOut) throws IOException {
    child.println("dns-start");
    return new RemoteDns(child, childOut, childOut.readLine().substring("dns ".length()));
  }

  String hostAndPort() {
    return hostAndPort;
  }

  void a(String name, String ip) {
    child.println("dns-a " + name + " " + ip);
  }

  /** Returns once every record sent before is in the zone. */
  void sync() throws IOException {
    child.println("dns-sync");
    childOut.readLine();
  }

  long queries() throws IOException {
    child.println("dns-queries");
    return Long.parseLong(childOut.readLine().substring("queries ".length()));
  }

  void close() throws IOException {
    child.println("dns-stop");
    childOut.readLine();
  }
}

package io.github.failoverresolver.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The backends of {@link ScaleHarness}, in a process of their own so that their CPU is not the resolver's:
 * N listeners bound to 0.0.0.0 (every 127.x.y.z reaches them) that accept TCP and answer any HTTP request
 * with 200 "ready". Prints the ports on one line; reads "kill I" (close listener I) and "quit" on stdin.
 * For endpoints given as names it also runs the loopback DNS server ("dns-start", then "dns-a NAME IP" lines
 * and "dns-sync"; "dns-queries" counts the queries answered; "dns-stop"), so that the DNS server's CPU and
 * heap are a backend's too, not the resolver's. Loopback only: the harness connects to 127.x.y.z addresses
 * alone.
 */
public final class ScaleBackends {
  private ScaleBackends() {}

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    ExecutorService workers = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "backend");
      t.setDaemon(true);
      return t;
    });
    List<ServerSocket> listeners = new ArrayList<>();
    StringBuilder ports = new StringBuilder("ports");
    for (int i = 0; i < n; i++) {
      ServerSocket s = new ServerSocket(0, 4096, InetAddress.getByName("0.0.0.0"));
      listeners.add(s);
      ports.append(' ').append(s.getLocalPort());
      workers.execute(() -> accept(s, workers));
    }
    System.out.println(ports);
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    io.github.failoverresolver.testing.LoopbackDnsServer dns = null;
    for (String line; (line = in.readLine()) != null; ) {
      if (line.equals("dns-start")) {
        dns = io.github.failoverresolver.testing.LoopbackDnsServer.start();
        dns.zone("scale.test", 3600, 30);
        System.out.println("dns " + dns.hostAndPort());
        System.out.flush();
      } else if (line.startsWith("dns-a ")) {
        String[] parts = line.split(" ");
        dns.a(parts[1], 300, parts[2]);
      } else if (line.equals("dns-sync")) {
        System.out.println("synced");
        System.out.flush();
      } else if (line.equals("dns-queries")) {
        System.out.println("queries " + dns.queries().size());
        System.out.flush();
      } else if (line.equals("dns-stop")) {
        dns.close();
        dns = null;
        System.out.println("stopped");
        System.out.flush();
      } else if (line.startsWith("kill ")) {
        listeners.get(Integer.parseInt(line.substring(5).trim())).close();
        System.out.println("killed");
        System.out.flush();
      } else if (line.startsWith("revive ")) {
        int i = Integer.parseInt(line.substring(7).trim());
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new java.net.InetSocketAddress(InetAddress.getByName("0.0.0.0"), listeners.get(i).getLocalPort()), 4096);
        listeners.set(i, s);
        workers.execute(() -> accept(s, workers));
        System.out.println("revived");
        System.out.flush();
      } else if (line.equals("quit")) {
        break;
      }
    }
    System.exit(0);
  }

  private static void accept(ServerSocket listener, ExecutorService workers) {
    while (!listener.isClosed()) {
      try {
        Socket c = listener.accept();
        workers.execute(() -> serve(c));
      } catch (IOException closed) {
        return;
      }
    }
  }

  /** Answers an HTTP request with 200 "ready"; a bare TCP check closes without sending anything. */
  private static void serve(Socket c) {
    try (c) {
      c.setSoTimeout(2_000);
      InputStream in = c.getInputStream();
      int matched = 0;
      byte[] buf = new byte[1024];
      outer:
      while (true) {
        int n = in.read(buf);
        if (n < 0) {
          return; // a TCP check: connect and close
        }
        for (int i = 0; i < n; i++) {
          byte b = buf[i];
          matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
              ? matched + 1 : (b == '\r' ? 1 : 0);
          if (matched == 4) {
            break outer;
          }
        }
      }
      OutputStream out = c.getOutputStream();
      out.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nready"
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
    } catch (IOException ignored) {
      // the client went away
    }
  }
}

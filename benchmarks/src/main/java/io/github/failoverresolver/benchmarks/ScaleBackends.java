package io.github.failoverresolver.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

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
    Poller poller = new Poller();
    List<ServerSocketChannel> listeners = new ArrayList<>();
    int[] portOf = new int[n];
    StringBuilder ports = new StringBuilder("ports");
    for (int i = 0; i < n; i++) {
      ServerSocketChannel s = listen(0);
      listeners.add(s);
      portOf[i] = ((InetSocketAddress) s.getLocalAddress()).getPort();
      ports.append(' ').append(portOf[i]);
      poller.call(() -> poller.add(s));
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
        ServerSocketChannel s = listeners.get(Integer.parseInt(line.substring(5).trim()));
        poller.call(() -> poller.remove(s)); // closed and deregistered by the poller: its port is free after
        System.out.println("killed");
        System.out.flush();
      } else if (line.startsWith("revive ")) {
        int i = Integer.parseInt(line.substring(7).trim());
        ServerSocketChannel s = listen(portOf[i]);
        listeners.set(i, s);
        poller.call(() -> poller.add(s));
        System.out.println("revived");
        System.out.flush();
      } else if (line.equals("quit")) {
        break;
      }
    }
    System.exit(0);
  }

  private static ServerSocketChannel listen(int port) throws IOException {
    ServerSocketChannel s = ServerSocketChannel.open();
    s.setOption(StandardSocketOptions.SO_REUSEADDR, true);
    s.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), port), 4096);
    s.configureBlocking(false);
    return s;
  }

  /**
   * Every listener and connection on one thread that polls ({@code selectNow}) and sleeps {@value #POLL_MS} ms
   * between rounds, instead of threads blocked in accept and read. On loopback the kernel work of a packet's
   * receiver runs in the sender's context: a backend thread asleep on a socket is woken from the resolver's
   * connect (an inter-processor interrupt, as the backends run on another CPU), which a real network would
   * charge to the backend's host; a backend that never sleeps on its sockets has no waiter to wake. A
   * connection answers (HTTP) or sees the check's reset (TCP) within a few ms.
   */
  private static final class Poller {
    static final long POLL_MS = 1;
    static final long IDLE_MS = 2_000;
    private final Selector selector;
    private final java.util.concurrent.BlockingQueue<Runnable> tasks = new java.util.concurrent.LinkedBlockingQueue<>();
    private final ByteBuffer in = ByteBuffer.allocate(4096);

    Poller() throws IOException {
      selector = Selector.open();
      Thread t = new Thread(this::run, "backend-poller");
      t.setDaemon(true);
      t.start();
    }

    /** Runs {@code task} on the poller's thread and waits for it (bounded: 10 s). */
    void call(IoTask task) throws Exception {
      java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
      tasks.add(() -> {
        try {
          task.run();
          done.complete(null);
        } catch (Exception e) {
          done.completeExceptionally(e);
        }
      });
      done.get(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    void add(ServerSocketChannel s) throws IOException {
      s.register(selector, SelectionKey.OP_ACCEPT);
    }

    void remove(ServerSocketChannel s) throws IOException {
      s.close();
      selector.selectNow(); // the cancelled key is deregistered: the socket is really closed now
    }

    private void run() {
      long lastSweep = System.nanoTime();
      try {
        while (true) {
          for (Runnable r; (r = tasks.poll()) != null; ) {
            r.run();
          }
          selector.selectNow();
          for (java.util.Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
            SelectionKey k = it.next();
            it.remove();
            if (!k.isValid()) {
              continue;
            }
            if (k.isAcceptable()) {
              accept((ServerSocketChannel) k.channel());
            } else if (k.isReadable()) {
              read(k);
            }
          }
          long now = System.nanoTime();
          if (now - lastSweep > 500_000_000L) { // connections nobody finished: closed after 2 s
            lastSweep = now;
            for (SelectionKey k : selector.keys()) {
              if (k.attachment() instanceof long[] since && now - since[1] > IDLE_MS * 1_000_000L) {
                closeQuietly(k);
              }
            }
          }
          Thread.sleep(POLL_MS);
        }
      } catch (InterruptedException | IOException | RuntimeException e) {
        System.err.println("backend poller stopped: " + e);
      }
    }

    private void accept(ServerSocketChannel s) {
      try {
        for (SocketChannel c; (c = s.accept()) != null; ) {
          c.configureBlocking(false);
          c.register(selector, SelectionKey.OP_READ, new long[] {0, System.nanoTime()}); // matched, since
        }
      } catch (IOException e) {
        // a connection reset before it was accepted: the next one
      }
    }

    /** Reads what the client sent: end of stream or reset (a TCP check) closes; a complete head is answered. */
    private void read(SelectionKey k) {
      SocketChannel c = (SocketChannel) k.channel();
      long[] state = (long[]) k.attachment();
      try {
        in.clear();
        int n = c.read(in);
        if (n < 0) {
          closeQuietly(k);
          return;
        }
        int matched = (int) state[0];
        for (int i = 0; i < n; i++) {
          byte b = in.get(i);
          matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
              ? matched + 1 : (b == '\r' ? 1 : 0);
          if (matched == 4) {
            c.write(ByteBuffer.wrap(OK)); // 70 bytes: the socket's send buffer takes them at once
            closeQuietly(k);
            return;
          }
        }
        state[0] = matched;
      } catch (IOException reset) {
        closeQuietly(k);
      }
    }

    private static void closeQuietly(SelectionKey k) {
      k.cancel();
      try {
        k.channel().close();
      } catch (IOException ignored) {
        // closed anyway
      }
    }
  }

  private interface IoTask {
    void run() throws Exception;
  }

  private static final byte[] OK = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nready"
      .getBytes(StandardCharsets.US_ASCII);
}

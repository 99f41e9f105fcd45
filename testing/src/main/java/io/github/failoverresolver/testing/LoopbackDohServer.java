package io.github.failoverresolver.testing;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A DNS-over-HTTPS server on loopback (RFC 8484: {@code POST /dns-query} of {@code application/dns-message}),
 * with a certificate made in the test, answering from a {@link LoopbackDnsServer} it forwards each query to
 * over real UDP. Faults: {@link #status} makes it answer an HTTP error instead. For tests of DoH providers.
 */
public final class LoopbackDohServer implements AutoCloseable {
  private final HttpsServer server;
  private final ExecutorService executor;
  private final InetSocketAddress upstream;
  private final List<String> log = new CopyOnWriteArrayList<>();
  private volatile int status = 200;

  private LoopbackDohServer(HttpsServer server, ExecutorService executor, InetSocketAddress upstream) {
    this.server = server;
    this.executor = executor;
    this.upstream = upstream;
  }

  /**
   * Starts on 127.0.0.1 (a free port) with {@code certificate} (issue it for {@code "127.0.0.1"}, so that the
   * URL {@link #url()} verifies), forwarding to {@code upstream}.
   */
  public static LoopbackDohServer start(LoopbackDnsServer upstream, TestCertificates.Issued certificate) {
    try {
      HttpsServer s = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
      s.setHttpsConfigurator(new HttpsConfigurator(certificate.serverContext()));
      AtomicInteger n = new AtomicInteger();
      ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "loopback-doh-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
      s.setExecutor(executor);
      String[] hostPort = upstream.hostAndPort().split(":");
      LoopbackDohServer doh = new LoopbackDohServer(s, executor,
          new InetSocketAddress(InetAddress.getByName(hostPort[0]), Integer.parseInt(hostPort[1])));
      s.createContext("/dns-query", exchange -> {
        try (exchange) {
          byte[] query;
          try (InputStream in = exchange.getRequestBody()) {
            query = in.readNBytes(65_535);
          }
          doh.log.add(exchange.getRequestMethod() + " " + exchange.getRequestHeaders().getFirst("Content-Type"));
          if (doh.status != 200 || !"POST".equals(exchange.getRequestMethod())) {
            exchange.sendResponseHeaders(doh.status != 200 ? doh.status : 405, -1);
            return;
          }
          byte[] answer = doh.forward(query);
          if (answer == null) {
            exchange.sendResponseHeaders(502, -1);
            return;
          }
          exchange.getResponseHeaders().set("Content-Type", "application/dns-message");
          exchange.sendResponseHeaders(200, answer.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
          }
        }
      });
      s.start();
      return doh;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the loopback DoH server", e);
    }
  }

  private byte[] forward(byte[] query) throws IOException {
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))) {
      socket.setSoTimeout(2_000);
      socket.send(new DatagramPacket(query, query.length, upstream));
      byte[] buffer = new byte[65_535];
      DatagramPacket in = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(in);
      } catch (java.net.SocketTimeoutException e) {
        return null;
      }
      return java.util.Arrays.copyOf(buffer, in.getLength());
    }
  }

  /** {@code https://127.0.0.1:PORT/dns-query}. */
  public String url() {
    return "https://127.0.0.1:" + port() + "/dns-query";
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Answers every request with this HTTP status from now on (200 again to heal). */
  public LoopbackDohServer status(int httpStatus) {
    this.status = httpStatus;
    return this;
  }

  /** The requests received: method and content type. */
  public List<String> requests() {
    return List.copyOf(log);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

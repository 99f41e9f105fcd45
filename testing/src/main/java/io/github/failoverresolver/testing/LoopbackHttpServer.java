package io.github.failoverresolver.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * An HTTP or HTTPS server on a loopback address (the JDK's {@code HttpServer}), with a readiness path
 * whose status the test sets, any other path answering 200 with the server's name, and a log of the
 * requests it received (with their headers). Thread-safe.
 */
public final class LoopbackHttpServer implements AutoCloseable {
  /** One request as the server saw it. */
  public record Request(String method, String path, Map<String, List<String>> headers) {
    public String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .flatMap(e -> e.getValue().stream()).findFirst().orElse(null);
    }
  }

  /**
   * Room for the connections of a burst: on virtual time minutes of checks run within milliseconds, and a
   * full accept queue would turn them into connect timeouts the test never meant.
   */
  private static final int BACKLOG = 1024;

  private final HttpServer server;
  private final ExecutorService threads;
  private final String name;
  private final String readyPath;
  private final AtomicInteger readyStatus = new AtomicInteger(200);
  private final Map<String, Integer> statusByPath = new ConcurrentHashMap<>();
  private final Map<String, java.util.concurrent.CountDownLatch> holds = new ConcurrentHashMap<>();
  private final Map<String, java.time.Duration> delays = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private volatile boolean stopped;
  private volatile String readyBody = "ready";

  static {
    // the JDK's server writes headers and body separately; with Nagle on, the client's delayed ACK holds
    // every response about 40 ms on loopback. Read once, when the JDK's server classes load.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private LoopbackHttpServer(String name, InetAddress bind, int port, SSLContext tls, String readyPath)
      throws IOException {
    this.name = name;
    this.readyPath = readyPath;
    InetSocketAddress at = new InetSocketAddress(bind, port);
    if (tls == null) {
      server = HttpServer.create(at, BACKLOG);
    } else {
      HttpsServer https = HttpsServer.create(at, BACKLOG);
      https.setHttpsConfigurator(new HttpsConfigurator(tls));
      server = https;
    }
    AtomicInteger n = new AtomicInteger();
    threads = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "loopback-http-" + name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
  }

  /** A plain-HTTP server on 127.0.0.1 and an ephemeral port. */
  public static LoopbackHttpServer http(String name) {
    return start(name, InetAddress.getLoopbackAddress(), 0, null);
  }

  /** An HTTPS server on 127.0.0.1 presenting {@code certificate}. */
  public static LoopbackHttpServer https(String name, TestCertificates.Issued certificate) {
    return start(name, InetAddress.getLoopbackAddress(), 0, certificate.serverContext());
  }

  /** A server on a given loopback address and port (0 for any); {@code tls} null for plain HTTP. */
  public static LoopbackHttpServer start(String name, InetAddress bind, int port, SSLContext tls) {
    if (!bind.isLoopbackAddress()) {
      throw new IllegalArgumentException("tests bind to loopback only, not " + bind);
    }
    try {
      return new LoopbackHttpServer(name, bind, port, tls, "/ready");
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + name + " on " + bind + ":" + port, e);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  public String name() {
    return name;
  }

  /** The status {@code /ready} answers (200 by default), with the body "ready" or "not ready". */
  public LoopbackHttpServer readiness(int status) {
    return readiness(status, status < 300 ? "ready" : "not ready");
  }

  /** The status and body {@code /ready} answers. */
  public LoopbackHttpServer readiness(int status, String body) {
    readyBody = body;
    readyStatus.set(status);
    return this;
  }

  /** Requests to {@code path} wait, inside the server, until {@code latch} opens (a slow call in flight). */
  public LoopbackHttpServer hold(String path, java.util.concurrent.CountDownLatch latch) {
    holds.put(path, latch);
    return this;
  }

  /** Requests to {@code path} are answered only after {@code delay} (a slow readiness endpoint, say). */
  public LoopbackHttpServer delay(String path, java.time.Duration delay) {
    delays.put(path, delay);
    return this;
  }

  /** The status any request to {@code path} answers. */
  public LoopbackHttpServer status(String path, int status) {
    statusByPath.put(path, status);
    return this;
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** Requests other than readiness checks. */
  public List<Request> traffic() {
    return requests.stream().filter(r -> !r.path().equals(readyPath)).toList();
  }

  /** Stops listening at once: new connections are refused. */
  public void stop() {
    if (!stopped) {
      stopped = true;
      server.stop(0);
      threads.shutdownNow();
    }
  }

  @Override
  public void close() {
    stop();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      requests.add(new Request(exchange.getRequestMethod(), path, Map.copyOf(exchange.getRequestHeaders())));
      exchange.getRequestBody().readAllBytes();
      java.util.concurrent.CountDownLatch hold = holds.get(path);
      java.time.Duration delay = delays.get(path);
      try {
        if (hold != null) {
          hold.await(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        if (delay != null) {
          Thread.sleep(delay.toMillis()); // the server is slow: this is the fault, made real
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      int status = path.equals(readyPath) ? readyStatus.get() : statusByPath.getOrDefault(path, 200);
      byte[] body = (path.equals(readyPath) ? readyBody : name)
          .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/plain");
      exchange.getResponseHeaders().add("X-Served-By", name);
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }
}

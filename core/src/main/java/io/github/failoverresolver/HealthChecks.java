package io.github.failoverresolver;

import io.github.failoverresolver.internal.health.Cutoff;
import io.github.failoverresolver.internal.health.HttpProbe;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/** The built-in active checks. Each returned check is immutable and thread-safe. */
public final class HealthChecks {
  private HealthChecks() {}

  /**
   * Ready when a TCP connection opens within the timeout. Liveness only: prefer an HTTP readiness check. The
   * connection is closed with a reset (SO_LINGER 0), so that the checking host keeps no TIME_WAIT socket per
   * check; the server sees "connection reset" after an accept with no data.
   */
  public static HealthCheck tcp() {
    return new io.github.failoverresolver.internal.health.BoundedCheck() {
      @Override
      public Result check(Context c) throws Exception {
        // a channel of the address's own family (no IPv4-mapped IPv6 socket, one socket option fewer), direct
        // (never a proxy); closed with a reset: no data was exchanged, and a graceful close would leave this
        // host a TIME_WAIT socket for 60 s per check (120,000 of them at 10,000 addresses every 5 s, which made
        // every further connect dearer: ScaleHarness, 12.9 % of a core against 9.8 % with the reset)
        try (SocketChannel s = SocketChannel.open(c.address().getAddress() instanceof java.net.Inet6Address
            ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET)) {
          s.setOption(StandardSocketOptions.SO_LINGER, 0);
          Cutoff cutoff = Cutoff.current();
          if (cutoff != null) {
            cutoff.watch(s); // blocking: one system call; the scheduler closes it at the timeout
            s.connect(c.address());
          } else {
            s.socket().connect(c.address(), timeoutMillis(c));
          }
          return TCP_OK;
        } catch (java.io.IOException e) {
          return Result.unhealthy("tcp connect to " + describe(c.address()) + " failed: " + e.getMessage());
        }
      }

      @Override
      public String toString() {
        return "tcp";
      }
    };
  }

  /** Ready when a TLS handshake with SNI and hostname verification succeeds, with the JVM's trust store. */
  public static HealthCheck tls() {
    return tls(defaultContext());
  }

  /** Ready when a TLS handshake succeeds against the given context's trust material. */
  public static HealthCheck tls(SSLContext context) {
    Objects.requireNonNull(context, "context");
    return new io.github.failoverresolver.internal.health.BoundedCheck() {
      @Override
      public Result check(Context c) throws Exception {
        try (SSLSocket s = handshake(context, c)) {
          return Result.healthy("tls handshake ok (" + s.getSession().getProtocol() + ")");
        } catch (java.io.IOException e) {
          return Result.unhealthy("tls handshake with " + c.host() + " at " + describe(c.address()) + " failed: "
              + e.getMessage());
        }
      }

      @Override
      public String toString() {
        return "tls";
      }
    };
  }

  /** A plain-HTTP readiness check: GET {@code path}, healthy on a 2xx status unless configured otherwise. */
  public static Http http(String path) {
    return new Http(false, path, 200, 299, b -> true, null);
  }

  /** An HTTPS readiness check (SNI and hostname verification on), healthy on 2xx unless configured otherwise. */
  public static Http https(String path) {
    return new Http(true, path, 200, 299, b -> true, null);
  }

  /** An HTTP(S) GET of a readiness path; configure it with the {@code expect...} and {@link #sslContext} methods. */
  public static final class Http implements io.github.failoverresolver.internal.health.BoundedCheck {
    private final boolean tls;
    private final String path;
    private final int minStatus;
    private final int maxStatus;
    private final Predicate<String> body;
    private final SSLContext ssl;
    private final Result[] healthyByStatus = new Result[500]; // statuses 100..599

    private Http(boolean tls, String path, int minStatus, int maxStatus, Predicate<String> body, SSLContext ssl) {
      Objects.requireNonNull(path, "path");
      if (!path.startsWith("/")) {
        throw new IllegalArgumentException("health check path '" + path + "' must start with '/'");
      }
      if (minStatus < 100 || maxStatus > 599 || minStatus > maxStatus) {
        throw new IllegalArgumentException("health check status range " + minStatus + ".." + maxStatus
            + " is not within 100..599");
      }
      this.tls = tls;
      this.path = path;
      this.minStatus = minStatus;
      this.maxStatus = maxStatus;
      this.body = body;
      this.ssl = ssl;
    }

    /** Healthy only when the status is within {@code [min, max]}. */
    public Http expectStatus(int min, int max) {
      return new Http(tls, path, min, max, body, ssl);
    }

    /** Healthy only when the body (first 64 KiB, as UTF-8) also satisfies {@code predicate}. */
    public Http expectBody(Predicate<String> predicate) {
      return new Http(tls, path, minStatus, maxStatus, Objects.requireNonNull(predicate, "predicate"), ssl);
    }

    /** The trust (and client key) material for HTTPS; default: the JVM's. */
    public Http sslContext(SSLContext context) {
      return new Http(tls, path, minStatus, maxStatus, body, Objects.requireNonNull(context, "context"));
    }

    @Override
    public Result check(Context c) throws Exception {
      HttpProbe.Response r;
      try {
        Socket socket = tls ? handshake(ssl == null ? defaultContext() : ssl, c) : connect(c);
        r = HttpProbe.get(socket, c.host(), c.port(), path, readTimeout(c));
      } catch (java.io.IOException e) {
        return Result.unhealthy((tls ? "https" : "http") + " GET " + path + " at " + describe(c.address())
            + " failed: " + e.getMessage());
      }
      if (r.status() < minStatus || r.status() > maxStatus) {
        return Result.unhealthy("GET " + path + " answered " + r.status() + ", expected " + minStatus + ".."
            + maxStatus);
      }
      if (!body.test(r.body())) {
        return Result.unhealthy("GET " + path + " answered " + r.status() + " but the body did not match");
      }
      return healthy(r.status());
    }

    /** The healthy result for a status, made once per check and status: 10,000 addresses keep one, not 10,000. */
    private Result healthy(int status) {
      Result cached = healthyByStatus[status - 100];
      if (cached == null) {
        cached = Result.healthy("GET " + path + " answered " + status);
        healthyByStatus[status - 100] = cached; // a benign race: equal values
      }
      return cached;
    }

    @Override
    public String toString() {
      return (tls ? "https" : "http") + " " + path + " expect " + minStatus + ".." + maxStatus;
    }

    /**
     * An access-enforcement probe of this path (for {@link EndpointBuilder#accessCheck}): a GET without any
     * credential and one with a deliberately wrong bearer token must both be refused with 401 or 403. It never
     * sends the endpoint's real credential. "Healthy" means access is enforced.
     */
    public HealthCheck refusesUnauthenticated() {
      Http self = this;
      return new io.github.failoverresolver.internal.health.BoundedCheck() {
        @Override
        public Result check(Context c) throws Exception {
          String wrong = "Authorization: Bearer failover-resolver-access-probe-"
              + Long.toHexString(new java.security.SecureRandom().nextLong()) + "\r\n";
          for (String header : new String[] {"", wrong}) {
            // an IOException propagates: not reached, nothing learnt about its access (the health check sees it)
            Socket socket = tls ? handshake(ssl == null ? defaultContext() : ssl, c) : connect(c);
            HttpProbe.Response r = HttpProbe.get(socket, c.host(), c.port(), path, readTimeout(c), header);
            if (r.status() != 401 && r.status() != 403) {
              return Result.unhealthy("accepts unauthenticated requests: GET " + path + " " + (header.isEmpty()
                  ? "without a credential" : "with a wrong credential") + " answered " + r.status()
                  + ", not 401 or 403");
            }
          }
          return Result.healthy("GET " + path + " refused without a credential and with a wrong one");
        }

        @Override
        public String toString() {
          return "access " + (self.tls ? "https" : "http") + " " + self.path + " refused without a credential";
        }
      };
    }
  }

  static SSLContext defaultContext() {
    try {
      return SSLContext.getDefault();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no default TLS context", e);
    }
  }

  private static Socket connect(HealthCheck.Context c) throws java.io.IOException {
    Socket s = new Socket(java.net.Proxy.NO_PROXY); // direct: the address is the one to check
    try {
      open(s, c);
      s.setSoTimeout(readTimeout(c));
      return s;
    } catch (java.io.IOException e) {
      s.close();
      throw e;
    }
  }

  /** Connects to the address, then shakes hands as the endpoint's host name (SNI, RFC 6125 checks). */
  static SSLSocket handshake(SSLContext context, HealthCheck.Context c) throws java.io.IOException {
    Socket raw = connect(c);
    try {
      SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(raw, c.host(), c.port(), true);
      SSLParameters p = s.getSSLParameters();
      p.setEndpointIdentificationAlgorithm("HTTPS");
      p.setServerNames(java.util.List.of(new javax.net.ssl.SNIHostName(c.host())));
      s.setSSLParameters(p);
      s.setSoTimeout(readTimeout(c));
      s.startHandshake();
      return s;
    } catch (java.io.IOException | IllegalArgumentException e) {
      raw.close();
      throw e instanceof java.io.IOException io ? io : new java.io.IOException(e.getMessage(), e);
    }
  }

  /**
   * Connects {@code s} to the context's address: run by the scheduler, a plain blocking connect that the
   * scheduler's {@link Cutoff} closes at the timeout (one system call, where a timed connect is several);
   * called directly, a connect bounded by the timeout.
   */
  private static void open(Socket s, HealthCheck.Context c) throws java.io.IOException {
    Cutoff cutoff = Cutoff.current();
    if (cutoff != null) {
      cutoff.watch(s);
      s.connect(c.address());
    } else {
      s.connect(c.address(), timeoutMillis(c));
    }
  }

  /** The read timeout: none (0) when the scheduler's cutoff bounds the check, else the check's timeout. */
  static int readTimeout(HealthCheck.Context c) {
    return Cutoff.current() != null ? 0 : timeoutMillis(c);
  }

  private static final HealthCheck.Result TCP_OK = HealthCheck.Result.healthy("tcp connect ok");

  static int timeoutMillis(HealthCheck.Context c) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, c.timeout().toMillis()));
  }

  static String describe(InetSocketAddress a) {
    String host = a.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }
}

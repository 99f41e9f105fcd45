package io.github.failoverresolver.internal.dns;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.WireParseException;

/**
 * Sends one query to one server over UDP, falling back to TCP when the answer is truncated, within a
 * real-time deadline. Blocking, on the calling thread, so that the library owns no I/O thread of
 * dnsjava's (whose NIO selector is process-global and outlives us). Responses whose ID or question do
 * not match are discarded and waited past (RFC 5452), as are unparsable ones. Stateless; thread-safe.
 */
final class DnsTransport {

  /** Why an exchange produced no usable response. */
  static final class ExchangeFailure extends Exception {
    private static final long serialVersionUID = 1L;

    ExchangeFailure(String reason) {
      super(reason, null, false, false);
    }
  }

  /** What one exchange did, for the stats and the query log. */
  interface Observer {
    void sent(String transport);
  }

  private static final int MAX_UDP = 65535;
  /**
   * Each thread's receive buffer, reused: a new 64 KiB array per exchange was zeroed and thrown away every
   * time (JFR of a 10,000-name start-up: 79 of 170 samples of the DNS threads on that line). An answer is
   * copied out of it before anything else reads it.
   */
  private static final ThreadLocal<byte[]> RECEIVE = ThreadLocal.withInitial(() -> new byte[MAX_UDP]);

  private DnsTransport() {}

  static Message exchange(InetSocketAddress server, Message query, long deadlineNanos, Observer observer)
      throws ExchangeFailure {
    Message udpAnswer = udp(server, query, deadlineNanos, observer);
    if (!udpAnswer.getHeader().getFlag(Flags.TC)) {
      return udpAnswer;
    }
    return tcp(server, query, deadlineNanos, observer);
  }

  private static Message udp(InetSocketAddress server, Message query, long deadlineNanos, Observer observer)
      throws ExchangeFailure {
    byte[] out = query.toWire();
    String discarded = null;
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.connect(server); // only datagrams from this server are delivered
      socket.send(new DatagramPacket(out, out.length));
      observer.sent("udp");
      byte[] buffer = RECEIVE.get();
      while (true) {
        int wait = remainingMillis(deadlineNanos);
        if (wait <= 0) {
          throw timeout(deadlineNanos, discarded);
        }
        socket.setSoTimeout(wait);
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        try {
          socket.receive(packet);
        } catch (SocketTimeoutException e) {
          throw timeout(deadlineNanos, discarded);
        }
        byte[] in = java.util.Arrays.copyOf(packet.getData(), packet.getLength());
        try {
          return matching(query, in);
        } catch (WireParseException | MismatchException e) {
          discarded = e.getMessage();
        }
      }
    } catch (PortUnreachableException e) {
      throw new ExchangeFailure("port unreachable (nothing listening)");
    } catch (IOException e) {
      throw new ExchangeFailure("udp error: " + e.getMessage());
    }
  }

  private static Message tcp(InetSocketAddress server, Message query, long deadlineNanos, Observer observer)
      throws ExchangeFailure {
    byte[] out = query.toWire();
    try (Socket socket = new Socket()) {
      int wait = remainingMillis(deadlineNanos);
      if (wait <= 0) {
        throw new ExchangeFailure("truncated over UDP and no time left for TCP");
      }
      socket.connect(server, wait);
      observer.sent("tcp");
      DataOutputStream o = new DataOutputStream(socket.getOutputStream());
      o.writeShort(out.length);
      o.write(out);
      o.flush();
      InputStream in = socket.getInputStream();
      String discarded = null;
      while (true) {
        byte[] answer;
        try {
          byte[] length = readFully(socket, in, new byte[2], deadlineNanos);
          answer = readFully(socket, in, new byte[((length[0] & 0xff) << 8) | (length[1] & 0xff)], deadlineNanos);
        } catch (SocketTimeoutException e) {
          throw timeout(deadlineNanos, discarded);
        }
        try {
          return matching(query, answer);
        } catch (WireParseException | MismatchException e) {
          discarded = e.getMessage();
        }
      }
    } catch (SocketTimeoutException e) {
      throw new ExchangeFailure("tcp connect timed out");
    } catch (java.io.EOFException e) {
      throw new ExchangeFailure("tcp connection closed before the answer");
    } catch (IOException e) {
      throw new ExchangeFailure("tcp error: " + e.getMessage());
    }
  }

  /**
   * One DNS-over-HTTPS exchange (RFC 8484, POST over HTTP/1.1): TLS to {@code server} with SNI and the
   * certificate verified against the URL's host, the query as {@code application/dns-message}, the answer from
   * a 200 response's body. One total deadline for connect, handshake, request and response, as over TCP.
   */
  static Message doh(java.net.URI uri, InetSocketAddress server, javax.net.ssl.SSLContext tls, Message query,
      long deadlineNanos, Observer observer) throws ExchangeFailure {
    byte[] out = query.toWire();
    String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
    int port = uri.getPort() < 0 ? 443 : uri.getPort();
    try (Socket raw = new Socket(java.net.Proxy.NO_PROXY)) {
      int wait = remainingMillis(deadlineNanos);
      if (wait <= 0) {
        throw new ExchangeFailure("no time left for DoH");
      }
      raw.connect(server, wait);
      observer.sent("doh");
      javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) tls.getSocketFactory().createSocket(raw, host, port,
          true);
      javax.net.ssl.SSLParameters params = socket.getSSLParameters();
      params.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the URL's host
      socket.setSSLParameters(params);
      socket.setSoTimeout(Math.max(1, remainingMillis(deadlineNanos)));
      socket.startHandshake();
      String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
      String head = "POST " + path + " HTTP/1.1\r\nHost: " + uri.getRawAuthority() + "\r\nContent-Type:"
          + " application/dns-message\r\nAccept: application/dns-message\r\nContent-Length: " + out.length
          + "\r\nConnection: close\r\n\r\n";
      java.io.OutputStream o = socket.getOutputStream();
      o.write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      o.write(out);
      o.flush();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[16 * 1024];
      int filled = 0;
      int headEnd = -1;
      while (headEnd < 0) {
        if (filled == buffer.length) {
          throw new ExchangeFailure("DoH response head larger than " + buffer.length + " bytes");
        }
        int n = readSome(socket, in, buffer, filled, deadlineNanos);
        filled += n;
        headEnd = indexOf(buffer, filled);
      }
      String[] lines = new String(buffer, 0, headEnd, java.nio.charset.StandardCharsets.ISO_8859_1).split("\r\n");
      String[] status = lines[0].split(" ", 3);
      if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
        throw new ExchangeFailure("DoH: not an HTTP/1.x response: " + io.github.failoverresolver.internal.Sanitize
            .text(lines[0]));
      }
      if (!status[1].equals("200")) {
        throw new ExchangeFailure("DoH: HTTP " + io.github.failoverresolver.internal.Sanitize.text(status[1]));
      }
      int length = -1;
      for (int i = 1; i < lines.length; i++) {
        String l = lines[i].toLowerCase(java.util.Locale.ROOT);
        if (l.startsWith("content-length:")) {
          try {
            length = Integer.parseInt(l.substring(15).trim());
          } catch (NumberFormatException e) {
            throw new ExchangeFailure("DoH: bad Content-Length");
          }
        } else if (l.startsWith("transfer-encoding:")) {
          throw new ExchangeFailure("DoH: a chunked response (only Content-Length is supported)");
        }
      }
      if (length < 12 || length > MAX_UDP) {
        throw new ExchangeFailure("DoH: response length " + length + " is not a DNS message's");
      }
      byte[] body = new byte[length];
      int have = Math.min(filled - (headEnd + 4), length);
      System.arraycopy(buffer, headEnd + 4, body, 0, have);
      while (have < length) {
        have += readSome(socket, in, body, have, deadlineNanos);
      }
      try {
        return matching(query, body);
      } catch (WireParseException | MismatchException e) {
        throw new ExchangeFailure("DoH: " + e.getMessage());
      }
    } catch (SocketTimeoutException e) {
      throw new ExchangeFailure("DoH timeout");
    } catch (java.io.EOFException e) {
      throw new ExchangeFailure("DoH connection closed before the answer");
    } catch (IOException e) {
      throw new ExchangeFailure("DoH error: " + io.github.failoverresolver.internal.Sanitize.text(
          String.valueOf(e.getMessage())));
    }
  }

  /** Reads at least one byte into {@code buffer} at {@code off}, within the total deadline. */
  private static int readSome(Socket socket, InputStream in, byte[] buffer, int off, long deadlineNanos)
      throws IOException {
    int wait = remainingMillis(deadlineNanos);
    if (wait <= 0) {
      throw new SocketTimeoutException("deadline");
    }
    socket.setSoTimeout(wait);
    int n = in.read(buffer, off, buffer.length - off);
    if (n < 0) {
      throw new java.io.EOFException();
    }
    return n;
  }

  private static int indexOf(byte[] b, int filled) {
    for (int i = 0; i + 3 < filled; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /**
   * Reads {@code buffer} full before the deadline: one total deadline for the exchange, not one per read, so
   * a server dripping a byte at a time cannot hold the lookup past it.
   */
  private static byte[] readFully(Socket socket, InputStream in, byte[] buffer, long deadlineNanos)
      throws IOException {
    int off = 0;
    while (off < buffer.length) {
      off += readSome(socket, in, buffer, off, deadlineNanos);
    }
    return buffer;
  }

  private static final class MismatchException extends Exception {
    private static final long serialVersionUID = 1L;

    MismatchException(String m) {
      super(m, null, false, false);
    }
  }

  private static Message matching(Message query, byte[] in) throws WireParseException, MismatchException {
    if (in.length < 12) {
      throw new WireParseException("response shorter than a DNS header");
    }
    int id = ((in[0] & 0xff) << 8) | (in[1] & 0xff);
    if (id != query.getHeader().getID()) {
      throw new MismatchException("response with wrong message ID " + id);
    }
    Message response;
    try {
      response = new Message(in);
    } catch (WireParseException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new WireParseException("malformed response: " + e.getMessage());
    }
    Record q = query.getQuestion();
    Record r = response.getQuestion();
    if (r == null || !r.getName().equals(q.getName()) || r.getType() != q.getType() || r.getDClass() != q.getDClass()) {
      throw new MismatchException("response for another question: " + r);
    }
    if (!response.getHeader().getFlag(Flags.QR)) {
      throw new MismatchException("a query, not a response");
    }
    if (response.getHeader().getOpcode() != org.xbill.DNS.Opcode.QUERY) {
      throw new MismatchException("a response with opcode " + org.xbill.DNS.Opcode.string(
          response.getHeader().getOpcode()) + ", not QUERY");
    }
    return response;
  }

  private static ExchangeFailure timeout(long deadlineNanos, String discarded) {
    return new ExchangeFailure("timeout" + (discarded == null ? "" : " (discarded: " + discarded + ")"));
  }

  private static int remainingMillis(long deadlineNanos) {
    long ms = (deadlineNanos - System.nanoTime() + 999_999) / 1_000_000;
    return (int) Math.max(0, Math.min(Integer.MAX_VALUE, ms));
  }
}

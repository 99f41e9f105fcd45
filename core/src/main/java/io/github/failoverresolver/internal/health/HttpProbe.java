package io.github.failoverresolver.internal.health;

import io.github.failoverresolver.internal.Sanitize;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A minimal HTTP/1.1 GET over a socket the caller already connected (and, for HTTPS, handshook) to one
 * specific address, so that the request goes exactly there whatever DNS says. Reads the status and up
 * to 64 KiB of body (plain, content-length or chunked). Closes the socket, with a reset once the response
 * is complete (no TIME_WAIT left on either side).
 */
public final class HttpProbe {
  private static final int MAX_BODY = 64 * 1024;
  private static final int MAX_HEADER = 16 * 1024;

  /** What the server answered. */
  public record Response(int status, String body) {}

  private HttpProbe() {}

  public static Response get(Socket socket, String host, int port, String path, int timeoutMillis) throws IOException {
    return get(socket, host, port, path, timeoutMillis, "");
  }

  /** @param extraHeaders more header lines, each ending in CRLF ("" for none) */
  public static Response get(Socket socket, String host, int port, String path, int timeoutMillis, String extraHeaders)
      throws IOException {
    try (socket) {
      socket.setSoTimeout(timeoutMillis);
      OutputStream out = socket.getOutputStream();
      String hostHeader = host.contains(":") ? "[" + host + "]" : host;
      String request = "GET " + path + " HTTP/1.1\r\nHost: " + hostHeader + ":" + port
          + "\r\nUser-Agent: failover-resolver-health\r\nAccept: */*\r\nConnection: close\r\n" + extraHeaders
          + "\r\n";
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = new java.io.BufferedInputStream(socket.getInputStream(), 4096); // not a syscall per byte
      String head = readHead(in);
      String[] lines = head.split("\r\n");
      String[] statusLine = lines[0].split(" ", 3);
      if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
        throw new IOException("not an HTTP response: " + Sanitize.text(lines[0]));
      }
      int status;
      try {
        status = Integer.parseInt(statusLine[1]);
      } catch (NumberFormatException e) {
        throw new IOException("bad HTTP status line: " + Sanitize.text(lines[0]));
      }
      long length = -1;
      boolean chunked = false;
      for (int i = 1; i < lines.length; i++) {
        String l = lines[i].toLowerCase(Locale.ROOT);
        if (l.startsWith("content-length:")) {
          length = Long.parseLong(l.substring(15).trim());
        } else if (l.startsWith("transfer-encoding:") && l.contains("chunked")) {
          chunked = true;
        }
      }
      byte[] body = chunked ? readChunked(in) : readBody(in, length);
      // the exchange is complete: close with a reset, so that neither side keeps a TIME_WAIT socket per check
      // (HAProxy closes its server connections "hard if needed" too); on loopback the server's TIME_WAIT
      // sockets share the checker's kernel: 100,930 of them during a 10,000-address run made connects dearer
      socket.setSoLinger(true, 0);
      return new Response(status, new String(body, StandardCharsets.UTF_8));
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed before the HTTP headers ended");
      }
      head.write(b);
      if (head.size() > MAX_HEADER) {
        throw new IOException("HTTP headers longer than " + MAX_HEADER + " bytes");
      }
      matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
          ? matched + 1
          : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  private static byte[] readBody(InputStream in, long length) throws IOException {
    long limit = length < 0 ? MAX_BODY : Math.min(length, MAX_BODY);
    return in.readNBytes((int) limit);
  }

  private static byte[] readChunked(InputStream in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (body.size() < MAX_BODY) {
      StringBuilder line = new StringBuilder();
      int b;
      while ((b = in.read()) >= 0 && b != '\n') {
        if (b != '\r') {
          line.append((char) b);
        }
      }
      String size = line.toString().split(";", 2)[0].trim();
      if (size.isEmpty()) {
        break;
      }
      int n = Integer.parseInt(size, 16);
      if (n == 0) {
        break;
      }
      body.write(in.readNBytes(Math.min(n, MAX_BODY - body.size())));
      in.read();
      in.read(); // CRLF after the chunk
    }
    return body.toByteArray();
  }

}

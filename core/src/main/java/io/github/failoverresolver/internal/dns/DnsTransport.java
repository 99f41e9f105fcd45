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
      byte[] buffer = new byte[MAX_UDP];
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
   * Reads {@code buffer} full before the deadline: one total deadline for the exchange, not one per read, so
   * a server dripping a byte at a time cannot hold the lookup past it.
   */
  private static byte[] readFully(Socket socket, InputStream in, byte[] buffer, long deadlineNanos)
      throws IOException {
    int off = 0;
    while (off < buffer.length) {
      int wait = remainingMillis(deadlineNanos);
      if (wait <= 0) {
        throw new SocketTimeoutException("deadline");
      }
      socket.setSoTimeout(wait);
      int n = in.read(buffer, off, buffer.length - off);
      if (n < 0) {
        throw new java.io.EOFException();
      }
      off += n;
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

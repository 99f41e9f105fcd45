package io.github.failoverresolver.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A blackholed address on loopback, without root or packet filters: a listener that never accepts, whose
 * accept queue it fills itself, so that the kernel drops every further SYN and a client's connect hangs
 * until its own timeout (as with a host that vanished or a firewall that drops), instead of being refused.
 * Bind it to the port of a server just stopped to turn that server silent. {@link #close()} frees the port.
 */
public final class LoopbackBlackhole implements AutoCloseable {
  private final ServerSocket listener;
  private final List<Socket> filling = new ArrayList<>();

  private LoopbackBlackhole(ServerSocket listener) throws IOException {
    this.listener = listener;
    // the accept queue holds backlog + 1 completed connections on Linux; a few more to be sure
    for (int i = 0; i < 3; i++) {
      Socket s = new Socket();
      try {
        s.connect(listener.getLocalSocketAddress(), 200);
        filling.add(s);
      } catch (java.net.SocketTimeoutException full) {
        s.close();
        break; // full already
      }
    }
  }

  /** On a free port of 127.0.0.1. */
  public static LoopbackBlackhole start() {
    return on(InetAddress.getLoopbackAddress(), 0);
  }

  /** On {@code port} of {@code address} (say, the port of a server just stopped). */
  public static LoopbackBlackhole on(InetAddress address, int port) {
    try {
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(address, port), 1);
      return new LoopbackBlackhole(s);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot blackhole " + address.getHostAddress() + ":" + port, e);
    }
  }

  public int port() {
    return listener.getLocalPort();
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) listener.getLocalSocketAddress();
  }

  @Override
  public void close() {
    for (Socket s : filling) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}

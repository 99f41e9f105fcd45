package io.github.failoverresolver.internal.health;

import java.io.Closeable;
import java.io.IOException;
import java.net.SocketTimeoutException;

/**
 * The time limit of one run of a built-in check, enforced from outside: the scheduler's tick, which already
 * watches every check's time, closes the socket the check is blocked on once its timeout has passed (and when
 * the address stops being checked). So a built-in check run by the scheduler uses plain blocking sockets: a
 * blocking connect and read are one system call each, where a timed one is a non-blocking call, a poll and
 * the call again (measured in {@code TcpCheckCostHarness}: the blocking TCP check and HTTP GET cost 10 to 25 %
 * less CPU). Outside the scheduler (the CLI, drills, a user's own check calling a built-in one) there is no
 * cutoff and the checks bound each wait with socket timeouts, as before. Thread-safe.
 */
public final class Cutoff {
  private static final ThreadLocal<Cutoff> CURRENT = new ThreadLocal<>();
  private Closeable blockedOn; // guarded by this
  private boolean expired; // guarded by this

  /** The cutoff of the check running on this thread, or null when its waits must bound themselves. */
  public static Cutoff current() {
    return CURRENT.get();
  }

  /**
   * Makes {@code cutoff} this thread's current one (null: none), for the check about to run: the scheduler's
   * call (and {@code TcpCheckCostHarness}'s, to measure a check as the scheduler runs it).
   */
  public static void enter(Cutoff cutoff) {
    if (cutoff == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(cutoff);
    }
  }

  /**
   * The check is about to block on {@code socket}: closed at once if time is already up (then this throws),
   * else when it is.
   */
  public void watch(Closeable socket) throws IOException {
    synchronized (this) {
      if (!expired) {
        blockedOn = socket;
        return;
      }
    }
    socket.close();
    throw new SocketTimeoutException("check timed out");
  }

  /** Time is up (or the address is no longer checked): whatever the check waits on is closed; idempotent. */
  void expire() {
    Closeable c;
    synchronized (this) {
      expired = true;
      c = blockedOn;
      blockedOn = null;
    }
    if (c != null) {
      try {
        c.close(); // a thread blocked in connect or read on it returns with an exception
      } catch (IOException ignored) {
        // closed anyway
      }
    }
  }
}

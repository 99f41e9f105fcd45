package io.github.failoverresolver.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Names the library's threads {@code failover-resolver-<role>-<n>} and makes them daemons. */
public final class DaemonThreads implements ThreadFactory {
  /** Every thread this library starts has a name with this prefix (tests look for leftovers by it). */
  public static final String PREFIX = "failover-resolver-";

  private final String role;
  private final AtomicInteger count = new AtomicInteger();

  public DaemonThreads(String role) {
    this.role = role;
  }

  @Override
  public Thread newThread(Runnable r) {
    Thread t = new Thread(r, PREFIX + role + "-" + count.incrementAndGet());
    t.setDaemon(true);
    return t;
  }
}

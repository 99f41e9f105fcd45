package io.github.failoverresolver;

import io.github.failoverresolver.internal.DaemonThreads;
import java.util.List;
import java.util.Set;

/** The threads this library started since a moment, found by their name prefix. */
final class LibraryThreads {
  private LibraryThreads() {}

  static Set<Thread> now() {
    return Thread.getAllStackTraces().keySet();
  }

  static List<Thread> startedSince(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !before.contains(t))
        .filter(t -> t.getName().startsWith(DaemonThreads.PREFIX))
        .toList();
  }

  /** Waits (bounded) for each to end and returns those still alive. */
  static List<Thread> stillAliveAfterJoin(Set<Thread> before) throws InterruptedException {
    for (Thread t : startedSince(before)) {
      t.join(5_000);
    }
    return startedSince(before).stream().filter(Thread::isAlive).toList();
  }
}

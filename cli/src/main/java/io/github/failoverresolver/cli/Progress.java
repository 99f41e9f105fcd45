package io.github.failoverresolver.cli;

import io.github.failoverresolver.FailoverResolver;
import io.github.failoverresolver.ResolverSnapshot;
import java.io.PrintStream;
import java.time.Duration;

/**
 * A progress line on standard error. On a terminal it redraws one line in place and clears it when done; on a
 * pipe or file it prints a plain line only when the text changes, so a log never fills with carriage returns.
 */
final class Progress {
  private final String command;
  private final PrintStream err;
  private final boolean interactive;
  private String last = "";

  Progress(String command, PrintStream err, boolean interactive) {
    this.command = command;
    this.err = err;
    this.interactive = interactive;
  }

  void show(String text) {
    if (text.equals(last)) {
      return;
    }
    if (interactive) {
      err.print("\r\u001b[2K" + command + ": " + text);
    } else {
      err.println(command + ": " + text);
    }
    err.flush();
    last = text;
  }

  void done() {
    if (interactive && !last.isEmpty()) {
      err.print("\r\u001b[2K");
      err.flush();
    }
  }

  /** Waits until every endpoint is resolved, checked and (where it has credentials) judged, or {@code wait}. */
  static void await(FailoverResolver resolver, Duration wait, Progress progress) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      int total = 0;
      int done = 0;
      for (ResolverSnapshot.Service s : resolver.snapshot().services()) {
        for (ResolverSnapshot.Endpoint e : s.endpoints()) {
          total++;
          if (settled(e)) {
            done++;
          }
        }
      }
      progress.show(done + " of " + total + " endpoints resolved and checked");
      if (done == total || System.nanoTime() > deadline) {
        progress.done();
        return;
      }
      Thread.sleep(50);
    }
  }

  private static boolean settled(ResolverSnapshot.Endpoint e) {
    boolean resolved = !e.addresses().isEmpty() || e.dns().resolved();
    boolean checked = e.addresses().stream().allMatch(a -> a.health() != ResolverSnapshot.Health.UNKNOWN);
    boolean trusted = e.credential().map(c -> c.status() != ResolverSnapshot.TrustStatus.UNKNOWN).orElse(true)
        && e.addresses().stream().allMatch(a -> a.tls().map(ResolverSnapshot.Tls::inspected).orElse(true));
    return resolved && checked && trusted;
  }
}

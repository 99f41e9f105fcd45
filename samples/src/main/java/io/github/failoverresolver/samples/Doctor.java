package io.github.failoverresolver.samples;

import io.github.failoverresolver.ConfigException;
import io.github.failoverresolver.FailoverResolver;
import io.github.failoverresolver.ReadinessReport;
import io.github.failoverresolver.ResolverConfig;
import io.github.failoverresolver.ResolverSnapshot;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code doctor CONFIG [--json] [--wait 10s]}: builds a resolver from a configuration file, waits (showing
 * progress) until every endpoint is resolved and checked, prints the readiness report, and exits 0 when
 * every service is ready, 1 when one is not, 2 when the configuration is bad.
 */
public final class Doctor {
  private Doctor() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      err.println("usage: doctor CONFIG [--json] [--wait 10s]");
      return 2;
    }
    boolean json = false;
    Duration wait = Duration.ofSeconds(10);
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--json")) {
        json = true;
      } else if (args[i].equals("--wait") && i + 1 < args.length) {
        String value = args[++i];
        try {
          wait = io.github.failoverresolver.Setting.parseDuration(value); // the configuration file's form
        } catch (IllegalArgumentException bad) {
          err.println("doctor: --wait: " + bad.getMessage());
          return 2;
        }
      } else {
        err.println("doctor: unknown argument '" + args[i] + "'");
        return 2;
      }
    }
    Path config = Path.of(args[0]);
    FailoverResolver resolver;
    try {
      resolver = ResolverConfig.load(config).build();
    } catch (ConfigException e) {
      err.println("doctor: bad configuration: " + e.getMessage()); // names the file, line and key
      return 2;
    } catch (IllegalArgumentException e) {
      err.println("doctor: bad configuration: " + config + ": " + e.getMessage());
      return 2;
    }
    try {
      awaitVerdicts(resolver, wait, err);
      ReadinessReport report = resolver.readiness();
      out.print(json ? report.toJson() : report.toText());
      out.flush();
      return report.ready() ? 0 : 1;
    } finally {
      resolver.close();
    }
  }

  /** Waits until every address has had a check (or has no check), showing progress on {@code err}. */
  private static void awaitVerdicts(FailoverResolver resolver, Duration wait, PrintStream err) {
    long deadline = System.nanoTime() + wait.toNanos();
    int lastDone = -1;
    while (true) {
      ResolverSnapshot snap = resolver.snapshot();
      int total = 0;
      int done = 0;
      for (ResolverSnapshot.Service s : snap.services()) {
        for (ResolverSnapshot.Endpoint e : s.endpoints()) {
          total++;
          boolean resolved = !e.addresses().isEmpty() || e.dns().resolved();
          boolean checked = e.addresses().stream().allMatch(a -> a.health() != ResolverSnapshot.Health.UNKNOWN);
          boolean trusted = e.credential().map(c -> c.status() != ResolverSnapshot.TrustStatus.UNKNOWN).orElse(true)
              && e.addresses().stream().allMatch(a -> a.tls().map(ResolverSnapshot.Tls::inspected).orElse(true));
          if (resolved && checked && trusted) {
            done++;
          }
        }
      }
      if (done != lastDone) {
        err.printf("doctor: %d of %d endpoints resolved and checked%n", done, total);
        lastDone = done;
      }
      if (done == total || System.nanoTime() > deadline) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}

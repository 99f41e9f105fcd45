package io.github.failoverresolver.cli;

import io.github.failoverresolver.ConfigException;
import io.github.failoverresolver.DrillPlan;
import io.github.failoverresolver.FailoverResolver;
import io.github.failoverresolver.LiveDrill;
import io.github.failoverresolver.ReadinessReport;
import io.github.failoverresolver.ResolverConfig;
import io.github.failoverresolver.Setting;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The operator's tool: {@code doctor}, {@code drill} and {@code report} for a configuration file. Exit codes:
 * {@value #READY} ready, {@value #NOT_READY} not ready, {@value #BAD_INPUT} bad configuration or usage,
 * {@value #INTERNAL} an internal error (a bug: please report it). A user's error never prints a stack trace.
 * Progress goes to standard error, the report to standard output, so a pipe gets only the report.
 *
 * <p>Built on picocli: subcommands, {@code --help} for each, typed options and usage errors with exit code 2,
 * in one dependency-free jar (well kept, and what most JVM command-line tools use).
 */
@Command(name = "failover-resolver", mixinStandardHelpOptions = true, versionProvider = FailoverCli.Version.class,
    description = "Checks a failover-resolver configuration the way the library will run it.",
    subcommands = {FailoverCli.Doctor.class, FailoverCli.Drill.class, FailoverCli.Report.class},
    footer = {"", "Exit codes: 0 ready, 1 not ready, 2 bad configuration or usage, 3 internal error."})
public final class FailoverCli implements Callable<Integer> {
  public static final int READY = 0;
  public static final int NOT_READY = 1;
  public static final int BAD_INPUT = 2;
  public static final int INTERNAL = 3;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  final PrintStream out;
  final PrintStream err;
  final boolean interactive;

  FailoverCli(PrintStream out, PrintStream err, boolean interactive) {
    this.out = out;
    this.err = err;
    this.interactive = interactive;
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err, System.console() != null));
  }

  /** Runs the command line; returns the exit code. {@code interactive}: progress redraws one line. */
  public static int run(String[] args, PrintStream out, PrintStream err, boolean interactive) {
    FailoverCli root = new FailoverCli(out, err, interactive);
    CommandLine cl = new CommandLine(root);
    cl.registerConverter(Duration.class, FailoverCli::duration);
    cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    cl.setParameterExceptionHandler((e, given) -> { // bad usage: what was wrong, a suggestion, the usage; exit 2
      PrintWriter w = e.getCommandLine().getErr();
      w.println(oneLine(e.getMessage()));
      CommandLine.UnmatchedArgumentException.printSuggestions(e, w);
      e.getCommandLine().usage(w);
      return BAD_INPUT;
    });
    cl.setExecutionExceptionHandler((e, line, parsed) -> {
      if (e instanceof IllegalArgumentException user) { // a bad value found while running (an unknown service)
        line.getErr().println(line.getCommandName() + ": " + oneLine(user.getMessage()));
        return BAD_INPUT;
      }
      line.getErr().println(line.getCommandName() + ": internal error: " + e.getClass().getName() + ": "
          + oneLine(String.valueOf(e.getMessage())));
      return INTERNAL;
    });
    return cl.execute(args);
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return BAD_INPUT; // no subcommand
  }

  /** The configuration file's duration form (500ms, 30s, 5m, 1h, 14d). */
  static Duration duration(String value) {
    try {
      return Setting.parseDuration(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }

  static String oneLine(String s) {
    return s.replace('\n', ' ').replace('\r', ' ');
  }

  /** Builds the resolver; a bad file becomes a message naming file, line and key (exit 2). */
  static FailoverResolver load(String command, Path config, PrintStream err) {
    try {
      return ResolverConfig.load(config).build();
    } catch (ConfigException e) {
      err.println(command + ": bad configuration: " + oneLine(e.getMessage()));
    } catch (IllegalArgumentException e) {
      err.println(command + ": bad configuration: " + config + ": " + oneLine(e.getMessage()));
    }
    return null;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = FailoverCli.class.getPackage().getImplementationVersion();
      return new String[] {"failover-resolver " + (v == null ? "(development build)" : v)};
    }
  }

  /** What every subcommand shares: the configuration file and how long to wait for first verdicts. */
  abstract static class ConfigCommand implements Callable<Integer> {
    @CommandLine.ParentCommand
    FailoverCli root;

    @Parameters(index = "0", paramLabel = "CONFIG", description = "the configuration file")
    Path config;

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "10s",
        description = "how long to wait for every endpoint to be resolved and checked (default: ${DEFAULT-VALUE})")
    Duration wait;

    abstract String name();

    abstract int run(FailoverResolver resolver) throws Exception;

    @Override
    public Integer call() throws Exception {
      FailoverResolver resolver = load(name(), config, root.err);
      if (resolver == null) {
        return BAD_INPUT;
      }
      try {
        Progress.await(resolver, wait, new Progress(name(), root.err, root.interactive));
        return run(resolver);
      } finally {
        resolver.close();
      }
    }
  }

  @Command(name = "doctor", mixinStandardHelpOptions = true,
      description = {"Resolves and checks every endpoint, prints the readiness report.",
          "Exit 0 when every service is ready, 1 when one is not, 2 on a bad configuration."})
  static final class Doctor extends ConfigCommand {
    @Option(names = "--json", description = "print the report as JSON")
    boolean json;

    @Override
    String name() {
      return "doctor";
    }

    @Override
    int run(FailoverResolver resolver) {
      ReadinessReport report = resolver.readiness();
      root.out.print(json ? report.toJson() : report.toText());
      root.out.flush();
      return report.ready() ? READY : NOT_READY;
    }
  }

  @Command(name = "drill", mixinStandardHelpOptions = true,
      description = {"If the primary tier of SERVICE died now, where would traffic go, and is it ready?",
          "With --live, takes the primary tier out for DURATION (always put back) and reports what happened.",
          "Exit 0 when the backup is ready (live: traffic switched), 1 when not, 2 on bad input."})
  static final class Drill extends ConfigCommand {
    @Parameters(index = "1", paramLabel = "SERVICE", description = "the service to drill")
    String service;

    @Option(names = "--live", paramLabel = "DURATION",
        description = "take the primary tier out for this long (at most 1h) and watch")
    Duration live;

    @Override
    String name() {
      return "drill";
    }

    @Override
    int run(FailoverResolver resolver) throws InterruptedException {
      if (!resolver.services().contains(service)) {
        root.err.println("drill: unknown service '" + service + "'; configured: " + resolver.services());
        return BAD_INPUT;
      }
      if (live == null) {
        DrillPlan plan = resolver.drill(service);
        root.out.println(plan);
        return plan.ready() ? READY : NOT_READY;
      }
      if (live.isNegative() || live.isZero() || live.compareTo(Duration.ofHours(1)) > 0) {
        root.err.println("drill: --live " + live + ": must be positive and at most 1h");
        return BAD_INPUT;
      }
      try (LiveDrill drill = resolver.startDrill(service, live)) {
        Progress progress = new Progress("drill", root.err, root.interactive);
        long end = System.nanoTime() + live.toNanos() + Duration.ofSeconds(5).toNanos();
        while (!drill.finished() && System.nanoTime() < end) {
          progress.show("live drill of '" + service + "' running");
          Thread.sleep(100);
        }
        progress.done();
        drill.close();
        LiveDrill.Report report = drill.report().orElseThrow();
        root.out.println(report);
        report.events().forEach(e -> root.out.println("  " + e));
        return report.switchedAfter().isPresent() ? READY : NOT_READY;
      }
    }
  }

  @Command(name = "report", mixinStandardHelpOptions = true,
      description = {"The full operator report: readiness, independence findings and a dry-run drill of every"
          + " service.", "Exit 0 when every service is ready, 1 when one is not, 2 on a bad configuration."})
  static final class Report extends ConfigCommand {
    @Override
    String name() {
      return "report";
    }

    @Override
    int run(FailoverResolver resolver) {
      ReadinessReport report = resolver.readiness();
      root.out.print(report.toText());
      for (String service : resolver.services()) {
        root.out.println();
        root.out.println("drill " + service + ": " + resolver.drill(service));
        var findings = resolver.independence(service);
        root.out.println("independence " + service + ": " + (findings.isEmpty() ? "no shared fault domain found"
            : findings.size() + " finding(s)"));
        findings.forEach(f -> root.out.println("  " + f));
      }
      root.out.flush();
      return report.ready() ? READY : NOT_READY;
    }
  }
}

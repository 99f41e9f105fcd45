package io.github.failoverresolver.benchmarks;

import io.github.failoverresolver.DnsSettings;
import io.github.failoverresolver.FailoverEvent;
import io.github.failoverresolver.FailoverResolver;
import io.github.failoverresolver.HealthCheck;
import io.github.failoverresolver.HealthChecks;
import io.github.failoverresolver.NoEligibleTargetException;
import io.github.failoverresolver.Outcome;
import io.github.failoverresolver.Upstreams;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Scale on loopback: N addresses (N/2 services x 2 IP-literal endpoints on 127.10.x.y and 127.20.x.y) checked
 * every 5 s against listeners in a child process ({@link ScaleBackends}). For each size, check kind and
 * traffic mode it prints one line: time to converge on the primaries, spurious events, resolver CPU and
 * heap in steady state, active probes per second, report cost, and a kill of 1 % of the primaries (switch
 * time, collateral failovers). With TCP checks and no traffic it also measures, after the steady window and in
 * the same run, bare connects at the check rate ({@code bare_tcp_pct}, {@link BareConnects}): the machine's
 * price of the connects themselves, next to which the resolver's figure is read. Every loop is bounded;
 * nothing leaves loopback.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.github.failoverresolver.benchmarks.ScaleHarness
 *     [--sizes 100,1000,10000] [--checks tcp,http] [--traffic off,on] [--steady 60] [--pin on] [--trace on]</pre>
 * {@code --pin on} puts the backends on the last CPU and the resolver on the others (Linux {@code taskset}).
 */
public final class ScaleHarness {
  static final int PORTS = 100;
  static final Duration INTERVAL = Duration.ofSeconds(5);
  static final Duration TIMEOUT = Duration.ofSeconds(1);

  /** Prints the start-up's progress every 500 ms (endpoints resolved, addresses checked, services on a primary). */
  static boolean TRACE;

  private ScaleHarness() {}

  /** While the start-up runs: what has happened so far, from snapshots (on stderr; {@code --trace on}). */
  static Thread trace(FailoverResolver r, long t0) {
    Thread t = new Thread(() -> {
      for (int round = 0; round < 240 && !Thread.currentThread().isInterrupted(); round++) {
        io.github.failoverresolver.ResolverSnapshot s = r.snapshot();
        long resolved = s.services().stream().flatMap(x -> x.endpoints().stream()).filter(e -> e.dns().resolved())
            .count();
        long checked = checkedAddresses(s);
        long primary = s.services().stream().filter(x -> x.activeTier() == x.primaryTier()).count();
        System.err.printf(java.util.Locale.ROOT, "trace ms=%d endpoints_resolved=%d addresses_checked=%d"
            + " services_on_primary=%d dns_answers=%d process_cpu_ms=%d cpu_ms_by_thread=%s%n",
            (System.nanoTime() - t0) / 1_000_000, resolved, checked, primary,
            r.stats().dns().queriesByProvider().values().stream().mapToLong(m -> m.getOrDefault("answer", 0L)).sum(),
            processCpuNanos() / 1_000_000, cpuByThreadGroup());
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "harness-trace");
    t.setDaemon(true);
    if (TRACE) {
      t.start();
    }
    return t;
  }

  public static void main(String[] args) throws Exception {
    List<Integer> sizes = List.of(100, 1_000, 10_000);
    List<String> checks = List.of("tcp", "http");
    List<Boolean> traffic = List.of(false, true);
    int steady = 60;
    int perService = 2;
    boolean names = false;
    boolean pin = false;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--sizes" -> sizes = Arrays.stream(args[i + 1].split(",")).map(Integer::parseInt).toList();
        case "--checks" -> checks = List.of(args[i + 1].split(","));
        case "--traffic" -> traffic = Arrays.stream(args[i + 1].split(",")).map(t -> t.equals("on")).toList();
        case "--steady" -> steady = Integer.parseInt(args[i + 1]);
        case "--endpoints-per-service" -> perService = Integer.parseInt(args[i + 1]);
        case "--names" -> names = args[i + 1].equals("on");
        case "--pin" -> pin = args[i + 1].equals("on");
        case "--trace" -> TRACE = args[i + 1].equals("on");
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Process child = new ProcessBuilder(Path.java(), "-Xmx512m", "-cp", System.getProperty("java.class.path"),
        ScaleBackends.class.getName(), String.valueOf(2 * PORTS)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      if (pin) {
        // the backends on the last CPU, this JVM (the resolver) on the others: on a small machine the backends'
        // CPU otherwise competes with the resolver's threads and inflates what they are charged (Linux taskset)
        int cpus = Runtime.getRuntime().availableProcessors();
        taskset(child.pid(), String.valueOf(cpus - 1));
        taskset(ProcessHandle.current().pid(), cpus == 1 ? "0" : "0-" + (cpus - 2));
      }
      BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      PrintStream in = new PrintStream(child.getOutputStream(), true, StandardCharsets.UTF_8);
      int[] ports = Arrays.stream(out.readLine().substring("ports ".length()).split(" "))
          .mapToInt(Integer::parseInt).toArray();
      for (int size : sizes) {
        for (String check : checks) {
          for (boolean t : traffic) {
            System.out.println(run(size, perService, names, check, t, size >= 10_000 ? steady : Math.min(steady, 20),
                ports, in, out));
          }
        }
      }
      in.println("quit");
    } finally {
      child.destroy();
    }
  }

  /** The java binary of this JVM. */
  static final class Path {
    static String java() {
      return java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
  }

  static InetSocketAddress address(int tier, int i, int port) throws Exception {
    return new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, (byte) (tier == 0 ? 10 : 20),
        (byte) (i >> 8), (byte) i}), port);
  }

  static String run(int addresses, int perService, boolean names, String check, boolean traffic, int steadySeconds,
      int[] ports, PrintStream child, BufferedReader childOut) throws Exception {
    int services = addresses / perService;
    int half = perService / 2; // endpoints [0, half) are tier 0, the rest tier 1
    List<InetSocketAddress> all = new ArrayList<>();
    InetSocketAddress[][] byService = new InetSocketAddress[services][perService];
    for (int i = 0; i < services; i++) {
      for (int e = 0; e < perService; e++) {
        int n = i * perService + e;
        byService[i][e] = address(e < half ? 0 : 1, n, ports[(e < half ? 0 : PORTS) + n % PORTS]);
        all.add(byService[i][e]);
      }
    }
    RemoteDns dns = names ? RemoteDns.start(child, childOut) : null; // in the backends' process
    ConcurrentHashMap<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    Set<String> failedOver = ConcurrentHashMap.newKeySet();
    AtomicBoolean afterKill = new AtomicBoolean();
    HealthCheck hc = check.equals("tcp") ? HealthChecks.tcp() : HealthChecks.http("/ready");
    FailoverResolver.Builder b = FailoverResolver.builder()
        .dns(DnsSettings.builder().provider("loopback", Upstreams.of(dns != null ? dns.hostAndPort() : "127.0.0.1:9"))
            .build())
        .maxConcurrentChecks(Integer.getInteger("scale.maxConcurrentChecks", 32))
        .listener(e -> {
          counts.computeIfAbsent(e.getClass().getSimpleName(), k -> new AtomicInteger()).incrementAndGet();
          if (e instanceof FailoverEvent.Failover f && afterKill.get()) {
            failedOver.add(f.service());
          }
        });
    String[][] hostsByService = new String[services][perService];
    for (int i = 0; i < services; i++) {
      for (int e = 0; e < perService; e++) {
        hostsByService[i][e] = byService[i][e].getAddress().getHostAddress();
        if (dns != null) {
          String name = "e" + (i * perService + e) + ".scale.test";
          dns.a(name, hostsByService[i][e]);
          hostsByService[i][e] = name;
        }
      }
    }
    if (dns != null) {
      dns.sync();
    }
    long heapBefore = usedHeapAfterGc();
    for (int i = 0; i < services; i++) {
      InetSocketAddress[] eps = byService[i];
      String[] hosts = hostsByService[i];
      b.service("svc-" + i, s -> {
        for (int e = 0; e < perService; e++) {
          s.tier(e < half ? 0 : 1, hosts[e] + ":" + eps[e].getPort(), x -> x.check(hc).interval(INTERVAL).timeout(TIMEOUT));
        }
      });
    }
    long t0 = System.nanoTime();
    FailoverResolver built = b.build();
    if (TRACE) {
      System.err.printf(java.util.Locale.ROOT, "trace built_ms=%d%n", (System.nanoTime() - t0) / 1_000_000);
    }
    b = null; // the builder is the harness's, not the resolver's: let it go before heap is measured
    try (FailoverResolver r = built) {
      Thread tracer = trace(r, t0);
      long converge = awaitTier(r, services, i -> 0, Duration.ofSeconds(60), t0);
      // the backups may still be resolving and having their first checks: the steady state starts after that
      long allChecked = awaitAllChecked(r, addresses, Duration.ofSeconds(60), t0);
      tracer.interrupt();
      int startupSpurious = spurious(counts);
      // steady state, with or without traffic (success reports on every address, as clients would send)
      AtomicBoolean stop = new AtomicBoolean();
      Set<InetSocketAddress> dead = ConcurrentHashMap.newKeySet();
      Thread clients = new Thread(() -> {
        Outcome ok = Outcome.success(Duration.ofMillis(2));
        Outcome refused = Outcome.connectFailure("connection refused");
        while (!stop.get()) {
          for (InetSocketAddress a : all) {
            r.report(a, dead.contains(a) ? refused : ok);
          }
          sleep(500);
        }
      }, "harness-clients");
      if (traffic) {
        clients.start();
      }
      sleep(Math.min(10_000, steadySeconds * 1000L / 3)); // the first rounds after start-up settle
      long probes0 = r.snapshot().stats().probesStarted();
      ThreadTally tally = new ThreadTally();
      long queries0 = dns != null ? dns.queries() : 0;
      long process0 = processCpuNanos();
      long w0 = System.nanoTime();
      // sampled every 500 ms: a pool thread that ends in the window (an idle DNS thread after 30 s) keeps its share
      for (long end = w0 + steadySeconds * 1_000_000_000L; System.nanoTime() < end; ) {
        sleep(Math.max(1, Math.min(500, (end - System.nanoTime()) / 1_000_000)));
        tally.sample();
      }
      long wall = System.nanoTime() - w0;
      double cpuPct = 100.0 * tally.cpuNanos() / wall;
      double allocMbPerSecond = tally.allocatedBytes() * 1e3 / wall;
      double dnsQueriesPerSecond = dns != null ? (dns.queries() - queries0) * 1e9 / wall : 0;
      double processPct = 100.0 * (processCpuNanos() - process0) / wall;
      double probesPerSecond = (r.snapshot().stats().probesStarted() - probes0) * 1e9 / wall;
      long heap = usedHeapAfterGc() - heapBefore;
      int steadySpurious = spurious(counts) - startupSpurious;
      java.util.Map<String, Long> byRole = tally.cpuByRole();
      // the floor under the TCP figure, in the same run: bare connects at the check rate, 10 s
      double bareTcpPct = check.equals("tcp") && !traffic
          ? BareConnects.cpuPct(all, (int) (addresses * 1000L / INTERVAL.toMillis()), 10) : Double.NaN;
      // kill the listener behind 1 % of the primaries
      afterKill.set(true);
      child.println("kill 0");
      childOut.readLine();
      long tk = System.nanoTime();
      // the listener behind 1 % of all tier-0 endpoints is gone; a service switches when all of its are
      java.util.Set<Integer> affected = new java.util.HashSet<>();
      for (int i = 0; i < services; i++) {
        boolean allDead = true;
        for (int e = 0; e < half; e++) {
          int n = i * perService + e;
          if (n % PORTS == 0) {
            dead.add(byService[i][e]);
          } else {
            allDead = false;
          }
        }
        if (allDead) {
          affected.add(i);
        }
      }
      long switched = awaitTier(r, services, i -> affected.contains(i) ? 1 : 0, INTERVAL.plus(TIMEOUT).multipliedBy(3),
          tk);
      sleep(INTERVAL.plus(TIMEOUT).toMillis() + 1_000);
      long collateral = failedOver.stream().filter(s -> !affected.contains(Integer.parseInt(s.substring(4)))).count();
      stop.set(true);
      clients.join(5_000);
      child.println("revive 0");
      childOut.readLine();
      long reportNs = reportCost(r, all); // last: its success reports would skip probes (passive-first)
      // snapshot(): built on the caller's thread from published state; its cost, and the loop's CPU meanwhile
      r.snapshot();
      ThreadTally loopCpu = new ThreadTally();
      long sn0 = System.nanoTime();
      for (int i = 0; i < 10; i++) {
        r.snapshot();
      }
      double snapshotMs = (System.nanoTime() - sn0) / 1e7;
      loopCpu.sample();
      double snapshotLoopMs = loopCpu.cpuByRole().getOrDefault("control", 0L) / 1e7;
      StringBuilder roles = new StringBuilder();
      byRole.forEach((role, ns) -> roles.append(roles.length() == 0 ? "" : ",").append(role).append(':')
          .append(String.format(java.util.Locale.ROOT, "%.1f", 100.0 * ns / wall)));
      if (dns != null) {
        dns.close();
      }
      return String.format(java.util.Locale.ROOT, "addresses=%d shape=%dx%d names=%s check=%s traffic=%s converge_ms=%d"
              + " all_checked_ms=%d steady_cpu_pct=%.1f bare_tcp_pct=%.1f"
              + " process_cpu_pct=%.1f heap_mb=%.1f spurious_events=%d switch_ms=%d collateral_failovers=%d"
              + " report_ns=%d probes_per_s=%.0f idle_probe_rate=%.0f alloc_mb_per_s=%.1f dns_queries_per_s=%.1f"
              + " snapshot_ms=%.1f snapshot_loop_cpu_ms=%.2f cpu_pct_by_thread=%s",
          addresses, services, perService, names ? "on" : "off", check, traffic ? "on" : "off", converge, allChecked,
          cpuPct, bareTcpPct,
          processPct, heap / 1e6,
          startupSpurious + steadySpurious, switched, collateral, reportNs, probesPerSecond,
          addresses * 1000.0 / INTERVAL.toMillis(), allocMbPerSecond, dnsQueriesPerSecond, snapshotMs, snapshotLoopMs,
          roles);
    }
  }

  /** Pins every thread of {@code pid} to {@code cpus} (bounded: taskset returns at once). */
  static void taskset(long pid, String cpus) throws Exception {
    Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, String.valueOf(pid))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("taskset -a -p -c " + cpus + " " + pid + " failed");
    }
  }

  static int spurious(ConcurrentHashMap<String, AtomicInteger> counts) {
    return List.of("AddressDown", "Failover", "Failback").stream()
        .mapToInt(k -> counts.getOrDefault(k, new AtomicInteger()).get()).sum();
  }

  /** Waits (bounded) until service i is served by tier(i); returns the ms since {@code from}, or -1. */
  static long awaitTier(FailoverResolver r, int services, java.util.function.IntUnaryOperator tier, Duration max,
      long from) {
    long deadline = from + max.toNanos();
    int i = 0;
    while (System.nanoTime() < deadline) {
      try {
        while (i < services && r.select("svc-" + i).tier() == tier.applyAsInt(i)) {
          i++;
        }
      } catch (NoEligibleTargetException notYet) {
        // keep waiting
      }
      if (i == services) {
        return (System.nanoTime() - from) / 1_000_000;
      }
      sleep(20);
    }
    return -1;
  }

  /** Addresses that have had their first check. */
  static long checkedAddresses(io.github.failoverresolver.ResolverSnapshot s) {
    return s.services().stream().flatMap(x -> x.endpoints().stream()).flatMap(e -> e.addresses().stream())
        .filter(a -> a.lastChecked().isPresent()).count();
  }

  /** ms from {@code from} until every address has had its first check (from snapshots; -1 if not within max). */
  static long awaitAllChecked(FailoverResolver r, int addresses, Duration max, long from) {
    long deadline = from + max.toNanos();
    while (System.nanoTime() < deadline) {
      if (checkedAddresses(r.snapshot()) >= addresses) {
        return (System.nanoTime() - from) / 1_000_000;
      }
      sleep(100);
    }
    return -1;
  }

  /** ns per report(address, success) on a healthy address, from the caller's thread. */
  static long reportCost(FailoverResolver r, List<InetSocketAddress> all) {
    Outcome ok = Outcome.success(Duration.ofMillis(1));
    int n = 2_000_000;
    for (int i = 0; i < n; i++) {
      r.report(all.get(i % all.size()), ok);
    }
    long t = System.nanoTime();
    for (int i = 0; i < n; i++) {
      r.report(all.get(i % all.size()), ok);
    }
    return (System.nanoTime() - t) / n;
  }

  /** CPU ms of every thread of this process, grouped by name without its numbers (for the trace). */
  static java.util.Map<String, Long> cpuByThreadGroup() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    java.util.Map<String, Long> out = new java.util.TreeMap<>();
    for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (t != null) {
        String group = t.getThreadName().replace("failover-resolver-", "").replaceAll("[-#]?\\d+", "");
        out.merge(group, Math.max(0, threads.getThreadCpuTime(t.getThreadId())) / 1_000_000, Long::sum);
      }
    }
    out.values().removeIf(ms -> ms < 20);
    return out;
  }

  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * The heap live at the end of a full GC, as the GC measured it (each heap pool's usage after its last
   * collection). Not the heap's usage read afterwards: by then the running checks have allocated again, and
   * each thread's allocation buffer counts as used whole (32 check threads: up to 4 MB more, from one run to
   * the next, in HTTP runs that allocate 13 MB/s).
   */
  static long usedHeapAfterGc() {
    for (int i = 0; i < 2; i++) {
      System.gc();
      sleep(100);
    }
    long used = 0;
    for (java.lang.management.MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == java.lang.management.MemoryType.HEAP && pool.getCollectionUsage() != null) {
        used += pool.getCollectionUsage().getUsed();
      }
    }
    return used;
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

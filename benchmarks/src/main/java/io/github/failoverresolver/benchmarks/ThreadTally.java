package io.github.failoverresolver.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;

/**
 * CPU and allocation of the resolver's threads ({@code failover-resolver-*}) from when it is made: each
 * thread's last sampled figures minus its figures at the start (0 for a thread born since), so a thread that
 * ends in between keeps what it used up to its last sample.
 */
final class ThreadTally {
  private record Figures(String role, long cpu, long allocated) {}

  private final java.util.Map<Long, Figures> first = read();
  private final java.util.Map<Long, Figures> last = new java.util.HashMap<>(first);

  private static java.util.Map<Long, Figures> read() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    java.util.Map<Long, Figures> out = new java.util.HashMap<>();
    for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (t != null && t.getThreadName().startsWith("failover-resolver-")) {
        String role = t.getThreadName().substring("failover-resolver-".length()).replaceAll("-\\d+$", "");
        long cpu = threads.getThreadCpuTime(t.getThreadId());
        long allocated = threads.getThreadAllocatedBytes(t.getThreadId());
        if (cpu >= 0 && allocated >= 0) {
          out.put(t.getThreadId(), new Figures(role, cpu, allocated));
        }
      }
    }
    return out;
  }

  void sample() {
    last.putAll(read());
  }

  long cpuNanos() {
    return last.entrySet().stream().mapToLong(e -> e.getValue().cpu() - base(e.getKey()).cpu()).sum();
  }

  long allocatedBytes() {
    return last.entrySet().stream().mapToLong(e -> e.getValue().allocated() - base(e.getKey()).allocated()).sum();
  }

  java.util.Map<String, Long> cpuByRole() {
    java.util.Map<String, Long> out = new java.util.TreeMap<>();
    last.forEach((id, f) -> out.merge(f.role(), f.cpu() - base(id).cpu(), Long::sum));
    return out;
  }

  private Figures base(long id) {
    return first.getOrDefault(id, new Figures("", 0, 0));
  }
}

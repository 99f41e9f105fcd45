package io.github.failoverresolver.internal.dns;

import io.github.failoverresolver.SrvRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * Orders SRV records as RFC 2782 asks: by priority, and within one by a weighted random draw in which
 * each record's chance to come next is its weight over the weights left. Stateless.
 */
public final class SrvOrder {
  private SrvOrder() {}

  public static List<SrvRecord> order(List<SrvRecord> records, RandomGenerator random) {
    Map<Integer, List<SrvRecord>> byPriority = new TreeMap<>();
    for (SrvRecord r : records) {
      byPriority.computeIfAbsent(r.priority(), p -> new ArrayList<>()).add(r);
    }
    List<SrvRecord> out = new ArrayList<>(records.size());
    for (List<SrvRecord> group : byPriority.values()) {
      List<SrvRecord> pool = new ArrayList<>(group);
      while (!pool.isEmpty()) {
        long total = 0;
        for (SrvRecord r : pool) {
          total += r.weight();
        }
        if (total == 0) {
          // only zero-weight records left: any order is as good (RFC 2782 gives them no share)
          out.add(pool.remove(random.nextInt(pool.size())));
          continue;
        }
        // RFC 2782 draws from [0, total], which over-weights the first record by one; drawing from
        // [1, total] gives each record exactly weight/total, and zero-weight ones go last
        long pick = 1 + random.nextLong(total);
        long running = 0;
        for (int i = 0; i < pool.size(); i++) {
          running += pool.get(i).weight();
          if (running >= pick) {
            out.add(pool.remove(i));
            break;
          }
        }
      }
    }
    return out;
  }

  /**
   * A weighted order that stays put while the record set changes: by priority, and within one by a key drawn
   * once per record from {@code seed} and the record's target and port (Efraimidis-Spirakis: {@code ln(u) / weight},
   * largest first), so that each record comes first with probability weight over the priority's total weight
   * across processes (seeds), while within one process adding or removing a record never reorders the others
   * (traffic never moves between endpoints that are still there). Zero-weight records come after the others.
   */
  public static List<SrvRecord> stable(List<SrvRecord> records, long seed) {
    List<SrvRecord> out = new ArrayList<>(records);
    out.sort(java.util.Comparator.comparingInt(SrvRecord::priority)
        .thenComparing(java.util.Comparator.comparingDouble((SrvRecord r) -> key(r, seed)).reversed())
        .thenComparing(SrvRecord::target).thenComparingInt(SrvRecord::port));
    return out;
  }

  /** The record's draw: {@code ln(u) / weight} for a uniform {@code u} in (0, 1) fixed by seed, target and port. */
  static double key(SrvRecord r, long seed) {
    long h = seed ^ 0x9E3779B97F4A7C15L * (r.target().toLowerCase(java.util.Locale.ROOT).hashCode() * 31L + r.port());
    h = mix(h);
    double u = ((h >>> 11) + 1) * 0x1.0p-53; // (0, 1]
    u = Math.min(u, 1 - 0x1.0p-53);
    double ln = Math.log(u); // < 0
    return r.weight() == 0 ? Double.NEGATIVE_INFINITY : ln / r.weight();
  }

  /** SplitMix64's finalizer: every input bit moves every output bit. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}

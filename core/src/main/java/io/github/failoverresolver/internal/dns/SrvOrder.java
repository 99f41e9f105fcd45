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
}

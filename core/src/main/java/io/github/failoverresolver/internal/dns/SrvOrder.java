package io.github.failoverresolver.internal.dns;

import io.github.failoverresolver.SrvRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/** Orders SRV records as RFC 2782 asks: by priority, and within one by a weighted random draw. */
public final class SrvOrder {
  private SrvOrder() {}

  public static List<SrvRecord> order(List<SrvRecord> records, RandomGenerator random) {
    Map<Integer, List<SrvRecord>> byPriority = new TreeMap<>();
    for (SrvRecord r : records) {
      byPriority.computeIfAbsent(r.priority(), p -> new ArrayList<>()).add(r);
    }
    List<SrvRecord> out = new ArrayList<>(records.size());
    for (List<SrvRecord> group : byPriority.values()) {
      // RFC 2782: zero-weight records go first in the list to draw from, so they keep a small chance
      LinkedList<SrvRecord> pool = new LinkedList<>(group);
      pool.sort(Comparator.comparingInt(r -> r.weight() == 0 ? 0 : 1));
      while (!pool.isEmpty()) {
        long total = 0;
        for (SrvRecord r : pool) {
          total += r.weight();
        }
        long pick = total == 0 ? 0 : random.nextLong(total + 1);
        long running = 0;
        var it = pool.iterator();
        while (it.hasNext()) {
          SrvRecord r = it.next();
          running += r.weight();
          if (running >= pick) {
            out.add(r);
            it.remove();
            break;
          }
        }
      }
    }
    return out;
  }
}

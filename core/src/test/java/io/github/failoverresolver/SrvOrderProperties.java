package io.github.failoverresolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.failoverresolver.internal.dns.SrvOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class SrvOrderProperties {

  @Provide
  Arbitrary<List<SrvRecord>> records() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 3),
            Arbitraries.integers().between(0, 10),
            Arbitraries.integers().between(1, 65535),
            Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(5))
        .as((p, w, port, t) -> new SrvRecord(p, w, port, t + ".test."))
        .list().ofMaxSize(12);
  }

  @Property
  void orderIsAPermutationByPriorityWithZeroWeightsLast(@ForAll("records") List<SrvRecord> records,
      @ForAll long seed) {
    assertPermutationByPriorityWithZeroWeightsLast(records, SrvOrder.order(records, new Random(seed)));
  }

  @Property
  void stableOrderIsAPermutationByPriorityWithZeroWeightsLast(@ForAll("records") List<SrvRecord> records,
      @ForAll long seed) {
    assertPermutationByPriorityWithZeroWeightsLast(records, SrvOrder.stable(records, seed));
  }

  static void assertPermutationByPriorityWithZeroWeightsLast(List<SrvRecord> records, List<SrvRecord> ordered) {
    List<SrvRecord> sortedIn = new ArrayList<>(records);
    List<SrvRecord> sortedOut = new ArrayList<>(ordered);
    java.util.Comparator<SrvRecord> any = java.util.Comparator.comparing(SrvRecord::toString);
    sortedIn.sort(any);
    sortedOut.sort(any);
    assertEquals(sortedIn, sortedOut, "the same records");
    for (int i = 1; i < ordered.size(); i++) {
      SrvRecord before = ordered.get(i - 1);
      SrvRecord after = ordered.get(i);
      assertTrue(before.priority() <= after.priority(), "priorities ascend: " + ordered);
      if (before.priority() == after.priority()) {
        assertTrue(before.weight() > 0 || after.weight() == 0, "zero weights go last within a priority: " + ordered);
      }
    }
  }

  /** Traffic never moves between targets that stay: a record added or removed leaves the others' order alone. */
  @Property
  void addingOrRemovingARecordNeverReordersTheOthers(@ForAll("records") List<SrvRecord> records,
      @ForAll("records") List<SrvRecord> more, @ForAll long seed) {
    List<SrvRecord> all = new ArrayList<>(records);
    all.addAll(more);
    List<SrvRecord> before = SrvOrder.stable(records, seed);
    List<SrvRecord> after = new ArrayList<>(SrvOrder.stable(all, seed));
    after.removeIf(r -> !records.contains(r));
    // duplicates (equal records) are indistinguishable: compare as the sequence of records
    assertEquals(before, dedupedLike(after, before), "the original records keep their order");
  }

  private static List<SrvRecord> dedupedLike(List<SrvRecord> after, List<SrvRecord> before) {
    List<SrvRecord> out = new ArrayList<>();
    java.util.Map<SrvRecord, Long> left = new java.util.HashMap<>();
    before.forEach(r -> left.merge(r, 1L, Long::sum));
    for (SrvRecord r : after) {
      if (left.getOrDefault(r, 0L) > 0) {
        left.merge(r, -1L, Long::sum);
        out.add(r);
      }
    }
    return out;
  }

  /** Across processes (seeds) each record of a priority comes first with probability weight / total weight. */
  @net.jqwik.api.Example
  void acrossSeedsEachRecordComesFirstInProportionToItsWeight() {
    List<SrvRecord> records = List.of(new SrvRecord(0, 1, 443, "a.test."), new SrvRecord(0, 3, 443, "b.test."),
        new SrvRecord(0, 6, 443, "c.test."), new SrvRecord(1, 100, 443, "d.test."));
    java.util.Map<String, Integer> first = new java.util.HashMap<>();
    int runs = 20_000;
    Random seeds = new Random(42);
    for (int i = 0; i < runs; i++) {
      first.merge(SrvOrder.stable(records, seeds.nextLong()).get(0).target(), 1, Integer::sum);
    }
    assertEquals(0.1, first.getOrDefault("a.test.", 0) / (double) runs, 0.02, "weight 1 of 10: " + first);
    assertEquals(0.3, first.getOrDefault("b.test.", 0) / (double) runs, 0.02, "weight 3 of 10: " + first);
    assertEquals(0.6, first.getOrDefault("c.test.", 0) / (double) runs, 0.02, "weight 6 of 10: " + first);
    assertEquals(0, first.getOrDefault("d.test.", 0), "a worse priority never comes first");
  }
}

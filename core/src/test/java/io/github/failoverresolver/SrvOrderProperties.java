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
    List<SrvRecord> ordered = SrvOrder.order(records, new Random(seed));
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
}

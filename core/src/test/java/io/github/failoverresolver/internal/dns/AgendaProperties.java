package io.github.failoverresolver.internal.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * The refresh agenda against a model (a map from item to due time): each item at most once, at the time it
 * was last added; taking gives back exactly the items due, earliest first; removing takes an item off.
 */
class AgendaProperties {

  /** One step: add item at time, remove item, or take what is due at time. */
  record Step(int kind, int item, long at) {}

  @Property
  void behavesLikeAMapFromItemToDueTime(
      @ForAll @Size(max = 300) List<@IntRange(min = 0, max = 2) Integer> kinds,
      @ForAll @Size(max = 300) List<@IntRange(min = 0, max = 20) Integer> items,
      @ForAll @Size(max = 300) List<@LongRange(min = 0, max = 1_000) Long> times) {
    Agenda<Integer> agenda = new Agenda<>();
    Map<Integer, Long> model = new HashMap<>();
    long now = 0;
    int steps = Math.min(kinds.size(), Math.min(items.size(), times.size()));
    for (int i = 0; i < steps; i++) {
      int item = items.get(i);
      long at = times.get(i);
      switch (kinds.get(i)) {
        case 0 -> {
          agenda.add(at, item);
          model.put(item, at);
        }
        case 1 -> {
          agenda.remove(item);
          model.remove(item);
        }
        default -> {
          now = Math.max(now, at); // the clock does not go back
          List<Integer> due = agenda.takeDue(now);
          List<Integer> expected = new ArrayList<>();
          for (Map.Entry<Integer, Long> e : model.entrySet()) {
            if (e.getValue() <= now) {
              expected.add(e.getKey());
            }
          }
          assertEquals(expected.size(), due.size(), "due at " + now + ": " + due + " model " + model);
          assertTrue(due.containsAll(expected), "due at " + now + ": " + due + " model " + model);
          for (int k = 1; k < due.size(); k++) {
            assertTrue(model.get(due.get(k - 1)) <= model.get(due.get(k)), "earliest first: " + due);
          }
          due.forEach(model::remove);
        }
      }
      assertEquals(model.size(), agenda.size(), "one place per item");
    }
  }
}

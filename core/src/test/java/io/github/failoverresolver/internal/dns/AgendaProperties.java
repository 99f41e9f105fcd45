package io.github.failoverresolver.internal.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/** The refresh agenda gives back exactly the items due, earliest first (ties in the order added), once each. */
class AgendaProperties {

  @Property
  void takesExactlyTheDueItemsEarliestFirst(
      @ForAll @Size(max = 200) List<@LongRange(min = 0, max = 1_000) Long> times,
      @ForAll @Size(min = 1, max = 10) List<@LongRange(min = 0, max = 1_100) Long> takes) {
    Agenda<Integer> agenda = new Agenda<>();
    for (int i = 0; i < times.size(); i++) {
      agenda.add(times.get(i), i);
    }
    List<Integer> expectedOrder = new ArrayList<>();
    for (int i = 0; i < times.size(); i++) {
      expectedOrder.add(i);
    }
    expectedOrder.sort(Comparator.<Integer>comparingLong(times::get).thenComparing(i -> i));
    List<Integer> taken = new ArrayList<>();
    long now = 0;
    for (long t : takes) {
      now = Math.max(now, t); // the clock does not go back
      List<Integer> due = agenda.takeDue(now);
      for (int i : due) {
        assertEquals(true, times.get(i) <= now, "item " + i + " due at " + times.get(i) + " taken at " + now);
      }
      taken.addAll(due);
      assertEquals(times.size() - taken.size(), agenda.size());
      for (int i = 0; i < times.size(); i++) {
        if (times.get(i) <= now) {
          assertEquals(true, taken.contains(i), "item " + i + " due at " + times.get(i) + " left at " + now);
        }
      }
    }
    assertEquals(expectedOrder.subList(0, taken.size()), taken);
  }
}

package io.github.failoverresolver.internal.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * The check schedule's queue against a model (a map from item to due time): each item queued at most once,
 * at the time it was last added; polling gives the earliest due time first and exactly the items queued;
 * removing takes an item out (and an item not queued is left alone).
 */
class DueQueueProperties {
  static final class Item extends DueQueue.Place {
    final int id;

    Item(int id) {
      this.id = id;
    }

    @Override
    public String toString() {
      return "item" + id;
    }
  }

  @Property(tries = 500)
  void behavesLikeAMapFromItemToDueTime(
      @ForAll @Size(max = 400) List<@IntRange(min = 0, max = 3) Integer> kinds,
      @ForAll @Size(max = 400) List<@IntRange(min = 0, max = 40) Integer> ids,
      @ForAll @Size(max = 400) List<@LongRange(min = 0, max = 1_000) Long> times) {
    DueQueue<Item> queue = new DueQueue<>();
    Item[] items = new Item[41];
    for (int i = 0; i < items.length; i++) {
      items[i] = new Item(i);
    }
    Map<Item, Long> model = new HashMap<>();
    int steps = Math.min(kinds.size(), Math.min(ids.size(), times.size()));
    for (int i = 0; i < steps; i++) {
      Item item = items[ids.get(i)];
      long at = times.get(i);
      switch (kinds.get(i)) {
        case 0, 1 -> {
          queue.add(item, at);
          model.put(item, at);
        }
        case 2 -> {
          queue.remove(item);
          model.remove(item);
        }
        default -> {
          long earliest = model.values().stream().mapToLong(Long::longValue).min().orElse(Long.MAX_VALUE);
          assertEquals(earliest, queue.firstDue());
          Item first = queue.poll();
          if (model.isEmpty()) {
            assertNull(first);
          } else {
            assertEquals(earliest, model.remove(first), "earliest first: " + first + " of " + model);
            assertFalse(first.queued());
          }
        }
      }
      assertEquals(model.size(), queue.size(), "one place per item");
      for (Item x : items) {
        assertEquals(model.containsKey(x), x.queued(), x + " queued");
      }
    }
    long last = Long.MIN_VALUE;
    while (!queue.isEmpty()) { // drains in order, every item once
      long at = queue.firstDue();
      Item x = queue.poll();
      assertTrue(at >= last, "in order");
      assertEquals(at, model.remove(x));
      last = at;
    }
    assertTrue(model.isEmpty(), "every item polled: " + model);
  }

  @Property(tries = 50)
  void movedAndRemovedItemsLeaveBoundedGarbage(@ForAll @IntRange(min = 1, max = 200) int live,
      @ForAll @IntRange(min = 1, max = 50) int rounds) {
    DueQueue<Item> queue = new DueQueue<>();
    Item[] items = new Item[live];
    for (int i = 0; i < live; i++) {
      items[i] = new Item(i);
      queue.add(items[i], 1_000 + i);
    }
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < live; i++) {
        if ((i + r) % 3 == 0) {
          queue.remove(items[i]);
        }
        queue.add(items[i], 2_000 + r * live + i); // moved later: the old entry is stale
      }
      assertEquals(live, queue.size());
      assertTrue(queue.entries() <= 2 * live + 65, queue.entries() + " entries for " + live + " items");
    }
    for (int i = 0; i < live; i++) {
      assertEquals(items[i], queue.poll(), "the last times given, in order");
    }
    assertTrue(queue.isEmpty());
  }
}

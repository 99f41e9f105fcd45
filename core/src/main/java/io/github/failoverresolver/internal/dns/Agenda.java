package io.github.failoverresolver.internal.dns;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Items to look at again at a given time, earliest first, each at most once: taking the due ones costs
 * O(due x log n), not a walk over everything (the DNS cache's refresh-ahead used to scan every entry five
 * times a second). Adding an item already there moves it; an item can be removed (the cache removes an
 * entry's key when the entry leaves it, so the agenda never holds more than the cache). Thread-safe; the lock
 * is held only to add, remove or take.
 */
final class Agenda<T> {
  private record Due<T>(long at, long seq, T item) {}

  private final TreeSet<Due<T>> byTime = new TreeSet<>((a, b) -> a.at != b.at
      ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
  private final Map<T, Due<T>> byItem = new HashMap<>();
  private long seq;

  /** Puts {@code item} on the agenda, due at {@code at} (clock millis), in place of where it was. */
  synchronized void add(long at, T item) {
    remove(item);
    Due<T> d = new Due<>(at, seq++, item);
    byTime.add(d);
    byItem.put(item, d);
  }

  /** Takes {@code item} off the agenda, if it is on it. */
  synchronized void remove(T item) {
    Due<T> old = byItem.remove(item);
    if (old != null) {
      byTime.remove(old);
    }
  }

  /** Removes and returns the items due at {@code now}, earliest first. */
  synchronized List<T> takeDue(long now) {
    List<T> due = new ArrayList<>();
    while (!byTime.isEmpty() && byTime.first().at <= now) {
      Due<T> d = byTime.pollFirst();
      byItem.remove(d.item);
      due.add(d.item);
    }
    return due;
  }

  synchronized int size() {
    return byItem.size();
  }

  synchronized void clear() {
    byTime.clear();
    byItem.clear();
  }
}

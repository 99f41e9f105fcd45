package io.github.failoverresolver.internal.dns;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Items to look at again at a given time, earliest first: taking the due ones costs O(due x log n), not a
 * walk over everything (the DNS cache's refresh-ahead used to scan every entry five times a second).
 * Thread-safe; the lock is held only to add or take.
 */
final class Agenda<T> {
  private record Due<T>(long at, long seq, T item) {}

  private final PriorityQueue<Due<T>> queue = new PriorityQueue<>((a, b) -> a.at != b.at
      ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
  private long seq;

  /** Adds {@code item}, due at {@code at} (clock millis). */
  synchronized void add(long at, T item) {
    queue.add(new Due<>(at, seq++, item));
  }

  /** Removes and returns the items due at {@code now}, earliest first. */
  synchronized List<T> takeDue(long now) {
    List<T> due = new ArrayList<>();
    Due<T> head;
    while ((head = queue.peek()) != null && head.at <= now) {
      due.add(queue.poll().item);
    }
    return due;
  }

  synchronized int size() {
    return queue.size();
  }

  synchronized void clear() {
    queue.clear();
  }
}

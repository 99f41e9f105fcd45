package io.github.failoverresolver.internal.health;

import java.util.Arrays;

/**
 * The check schedule's queue: a binary min-heap of items by due time, kept in primitive arrays (times and
 * stamps) beside the items, with lazy removal. A {@code PriorityQueue} of 10,000 slots with a comparator spent
 * a third of the control loop's samples in {@code siftDown} (perf, JIT symbols from the running JVM): each
 * level made two comparator calls that load a slot from memory (and its {@code remove(Object)} is a linear search). Here a level compares two longs
 * that sit side by side and moves entries without touching the items; an item moved or removed is not
 * searched for but marked: its old entry's stamp no longer matches the item's and is dropped when it comes
 * to the top (or when such entries outnumber the live ones, all at once). Not thread-safe (the control
 * loop's).
 *
 * @param <T> the item, which carries its stamp ({@link Place})
 */
public final class DueQueue<T extends DueQueue.Place> {
  /** An item's membership of at most one queue. */
  public static class Place {
    int stamp;
    boolean queued;

    /** Whether the item is queued. */
    public final boolean queued() {
      return queued;
    }
  }

  private Place[] items = new Place[16];
  private long[] due = new long[16];
  private int[] stamps = new int[16];
  private int entries; // live and stale
  private int live;

  /** Entries held, live and stale (for tests: at most twice the live ones and 65). */
  int entries() {
    return entries;
  }

  public int size() {
    return live;
  }

  public boolean isEmpty() {
    return live == 0;
  }

  /** The earliest due time, or {@link Long#MAX_VALUE} when empty. */
  public long firstDue() {
    dropStaleTop();
    return entries == 0 ? Long.MAX_VALUE : due[0];
  }

  /** Queues {@code item} at {@code at}, moving it if it is already queued. */
  public void add(T item, long at) {
    if (item.queued) {
      item.stamp++; // its entry is stale
    } else {
      item.queued = true;
      live++;
    }
    if (entries - live > live + 64) {
      compact(); // amortised O(1): more stale entries than live ones came since the last
    }
    if (entries == items.length) {
      items = Arrays.copyOf(items, entries * 2);
      due = Arrays.copyOf(due, entries * 2);
      stamps = Arrays.copyOf(stamps, entries * 2);
    }
    int i = entries++;
    while (i > 0) { // up
      int parent = (i - 1) >>> 1;
      if (due[parent] <= at) {
        break;
      }
      move(parent, i);
      i = parent;
    }
    items[i] = item;
    due[i] = at;
    stamps[i] = item.stamp;
  }

  /** Takes out the earliest item; null when empty. */
  @SuppressWarnings("unchecked")
  public T poll() {
    dropStaleTop();
    if (entries == 0) {
      return null;
    }
    T first = (T) items[0];
    removeTop();
    first.queued = false;
    live--;
    return first;
  }

  /** Takes {@code item} out if it is queued (its entry is dropped later). */
  public void remove(T item) {
    if (item.queued) {
      item.queued = false;
      item.stamp++;
      live--;
    }
  }

  private void dropStaleTop() {
    while (entries > 0 && (!items[0].queued || stamps[0] != items[0].stamp)) {
      removeTop();
    }
  }

  private void removeTop() {
    int last = --entries;
    move(last, 0);
    items[last] = null;
    if (last > 0) {
      siftDown(0);
    }
  }

  /** Keeps the live entries only, in heap order again. */
  private void compact() {
    int n = 0;
    for (int i = 0; i < entries; i++) {
      if (items[i].queued && stamps[i] == items[i].stamp) {
        items[n] = items[i];
        due[n] = due[i];
        stamps[n] = stamps[i];
        n++;
      }
    }
    Arrays.fill(items, n, entries, null);
    entries = n;
    for (int i = (n >>> 1) - 1; i >= 0; i--) {
      siftDown(i);
    }
  }

  private void siftDown(int i) {
    Place item = items[i];
    long at = due[i];
    int stamp = stamps[i];
    int half = entries >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < entries && due[right] < due[child]) {
        child = right;
      }
      if (at <= due[child]) {
        break;
      }
      move(child, i);
      i = child;
    }
    items[i] = item;
    due[i] = at;
    stamps[i] = stamp;
  }

  private void move(int from, int to) {
    items[to] = items[from];
    due[to] = due[from];
    stamps[to] = stamps[from];
  }
}

package io.github.failoverresolver;

import io.github.failoverresolver.internal.EventDispatcher;
import io.github.failoverresolver.internal.MonotonicClock;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.random.RandomGenerator;

/**
 * The runtime wiring both builders share ({@link FailoverResolver.Builder}, {@link DnsCache.Builder}): time,
 * timers, listeners and randomness. Not thread-safe.
 *
 * @param <B> the builder, for chaining
 */
abstract class RuntimeOptions<B extends RuntimeOptions<B>> {
  Clock clock = MonotonicClock.get();
  ScheduledExecutorService scheduler;
  final List<FailoverListener> listeners = new ArrayList<>();
  Executor listenerExecutor;
  RandomGenerator random = RandomGenerator.getDefault();

  abstract B self();

  /** The time source for TTLs, checks, ejections and damping; default: wall time advanced monotonically. */
  public B clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return self();
  }

  /** Timers (refreshes, check rounds, timeouts, failback windows); default: one daemon thread of ours. */
  public B scheduler(ScheduledExecutorService scheduler) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    return self();
  }

  /** Receives every event; runs on the listener executor, isolated (a throw is logged and skipped). */
  public B listener(FailoverListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    return self();
  }

  /** Where listeners and subscribers run; default: one daemon thread of ours. */
  public B listenerExecutor(Executor executor) {
    this.listenerExecutor = Objects.requireNonNull(executor, "listenerExecutor");
    return self();
  }

  /** Randomness for check jitter and SRV weights (seed it in tests). */
  public B random(RandomGenerator random) {
    this.random = Objects.requireNonNull(random, "random");
    return self();
  }

  /** The event dispatcher these options ask for, with the listeners added. */
  EventDispatcher events() {
    EventDispatcher events = listenerExecutor == null
        ? EventDispatcher.ownThread(10_000)
        : EventDispatcher.on(listenerExecutor);
    listeners.forEach(events::add);
    return events;
  }
}

package io.github.failoverresolver.internal.report;

import io.github.failoverresolver.FailoverEvent;
import io.github.failoverresolver.FailoverListener;
import io.github.failoverresolver.LiveDrill;
import io.github.failoverresolver.internal.EventDispatcher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;

/**
 * A live drill: takes the primary tier out through the control loop (the same input the policy's dry run
 * models), records the events meanwhile, and always puts the tier back. Thread-safe.
 */
public final class LiveDrillRun implements LiveDrill, FailoverListener {
  private final String service;
  private final Clock clock;
  private final EventDispatcher events;
  private final Consumer<Boolean> takeOut;
  private final Runnable onEnd;
  private final Instant started;
  private final List<FailoverEvent> seen = new CopyOnWriteArrayList<>();
  private volatile LiveDrill.Report report;
  private volatile ScheduledFuture<?> timer;

  /**
   * @param takeOut takes the primary tier out ({@code true}) or puts it back ({@code false})
   * @param onEnd called once when the drill ends
   */
  public LiveDrillRun(String service, Clock clock, EventDispatcher events, Consumer<Boolean> takeOut, Runnable onEnd) {
    this.service = service;
    this.clock = clock;
    this.events = events;
    this.takeOut = takeOut;
    this.onEnd = onEnd;
    this.started = Instant.ofEpochMilli(clock.millis()); // events carry millis
  }

  /** Starts the drill; {@code timer} is what ends it when the time is up. */
  public void start(java.util.function.Function<Runnable, ScheduledFuture<?>> schedule) {
    events.add(this);
    takeOut.accept(true);
    timer = schedule.apply(this::close);
  }

  @Override
  public void onEvent(FailoverEvent event) {
    seen.add(event);
  }

  @Override
  public synchronized void close() {
    if (report != null) {
      return;
    }
    if (timer != null) {
      timer.cancel(false);
    }
    try {
      takeOut.accept(false); // always restore
    } finally {
      events.remove(this);
      Instant ended = Instant.ofEpochMilli(clock.millis());
      Optional<FailoverEvent.Failover> failover = seen.stream()
          .filter(e -> e instanceof FailoverEvent.Failover f && f.service().equals(service))
          .map(FailoverEvent.Failover.class::cast).findFirst();
      int failures = (int) seen.stream()
          .filter(e -> e instanceof FailoverEvent.AddressEjected || e instanceof FailoverEvent.AddressDown).count();
      report = new LiveDrill.Report(service, started, ended, failover.map(f -> Duration.between(started, f.at())),
          failover.map(FailoverEvent.Failover::toEndpoint), failures, seen);
      onEnd.run();
    }
  }

  @Override
  public boolean finished() {
    return report != null;
  }

  @Override
  public Optional<LiveDrill.Report> report() {
    return Optional.ofNullable(report);
  }
}

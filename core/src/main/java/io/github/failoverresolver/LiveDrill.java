package io.github.failoverresolver;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A live drill in progress: the primary tier is taken out of service for a bounded time and always put
 * back: when the time is up, on {@link #close()}, and when the resolver closes. Thread-safe.
 */
public interface LiveDrill extends AutoCloseable {

  /** Ends the drill now (idempotent) and returns its report. */
  @Override
  void close();

  boolean finished();

  /** The report, once finished. */
  Optional<Report> report();

  /**
   * What happened during a live drill.
   *
   * @param switchedAfter from the drill's start to the failover away from the primary tier, if it happened
   * @param failuresReported ejections and addresses going down during the drill (other than the drilled tier)
   */
  record Report(String service, Instant started, Instant ended, Optional<Duration> switchedAfter,
      Optional<String> servedBy, int failuresReported, List<FailoverEvent> events) {
    public Report {
      events = List.copyOf(events);
    }

    @Override
    public String toString() {
      return "live drill of '" + service + "' from " + started + " to " + ended + ": "
          + switchedAfter.map(d -> "switched in " + d.toMillis() + " ms to " + servedBy.orElse("?"))
              .orElse("did NOT switch") + ", " + failuresReported + " failures reported, " + events.size() + " events";
    }
  }
}

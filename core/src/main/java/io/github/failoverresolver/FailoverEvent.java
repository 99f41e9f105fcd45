package io.github.failoverresolver;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Something the resolver noticed or did. Immutable values; each carries the time it happened (from the
 * resolver's clock) and a plain-language reason. Events never carry secrets.
 */
public sealed interface FailoverEvent {

  Instant at();

  /**
   * No provider answered for {@code name}, so an expired answer was served (RFC 8767).
   *
   * @param age how far past its freshness the answer is
   */
  record StaleAnswerServed(Instant at, String name, RecordType type, Duration age, String reason)
      implements FailoverEvent {}

  /** Two providers gave different answers for the same name and type. */
  record SplitBrainDetected(Instant at, String name, RecordType type, Map<String, List<String>> answersByProvider)
      implements FailoverEvent {
    public SplitBrainDetected {
      answersByProvider = Map.copyOf(answersByProvider);
    }
  }
}

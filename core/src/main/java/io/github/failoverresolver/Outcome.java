package io.github.failoverresolver;

import java.time.Duration;
import java.util.Objects;

/**
 * What a client observed when it used an address, reported through {@link FailoverResolver#report}.
 * Immutable. A {@link Kind#CONNECT_FAILURE} means the address could not be reached at all and ejects it at
 * once by default; a {@link Kind#FAILURE} (an error answer) counts toward consecutive-failure ejection.
 * The cause is sanitised (control characters escaped, length bounded) when the outcome is made.
 */
public record Outcome(Kind kind, String cause, Duration latency) {

  public enum Kind {
    SUCCESS,
    FAILURE,
    CONNECT_FAILURE
  }

  public Outcome {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(cause, "cause");
    Objects.requireNonNull(latency, "latency");
    // causes often carry a server's words (a gRPC status description, an exception message): sanitised
    // once here, before any event, log or report can show them
    cause = io.github.failoverresolver.internal.Sanitize.text(cause);
  }

  public static Outcome success(Duration latency) {
    return new Outcome(Kind.SUCCESS, "", latency);
  }

  public static Outcome failure(String cause) {
    return new Outcome(Kind.FAILURE, cause, Duration.ZERO);
  }

  public static Outcome connectFailure(String cause) {
    return new Outcome(Kind.CONNECT_FAILURE, cause, Duration.ZERO);
  }
}

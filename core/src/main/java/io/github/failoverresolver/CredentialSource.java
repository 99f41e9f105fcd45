package io.github.failoverresolver;

import java.util.Objects;
import java.util.Optional;

/**
 * Where an endpoint's secret comes from. Called on the resolver's check threads each trust round (and
 * with a timeout); report a missing or unreadable secret as {@link Result#missing(String)}, never with the
 * secret in the reason. A built-in source is in {@link CredentialSources}.
 */
@FunctionalInterface
public interface CredentialSource {

  Result load() throws Exception;

  /** A loaded credential, or why there is none. */
  record Result(Optional<Credential> credential, String reason) {
    public Result {
      Objects.requireNonNull(credential, "credential");
      Objects.requireNonNull(reason, "reason");
    }

    public static Result present(Credential credential) {
      return new Result(Optional.of(credential), "present");
    }

    public static Result missing(String reason) {
      return new Result(Optional.empty(), reason);
    }
  }
}

package io.github.failoverresolver;

import java.util.List;

/**
 * {@link FailoverResolver#select(String)} found no eligible address in any tier (and panic mode is off).
 * The message lists every endpoint and why it is not eligible.
 */
public class NoEligibleTargetException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String service;
  private final transient List<String> reasons;

  public NoEligibleTargetException(String service, List<String> reasons) {
    super("no eligible target for service '" + service + "': " + String.join("; ", reasons));
    this.service = service;
    this.reasons = List.copyOf(reasons);
  }

  public String service() {
    return service;
  }

  /** One line per endpoint: {@code tier N host:port: why}. */
  public List<String> reasons() {
    return reasons == null ? List.of() : reasons;
  }
}

package io.github.failoverresolver.spring;

import io.github.failoverresolver.ConfigException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** A bad failover.* property fails the start with the property named, instead of a wall of bean errors. */
public class FailoverConfigFailureAnalyzer extends AbstractFailureAnalyzer<ConfigException> {
  @Override
  protected FailureAnalysis analyze(Throwable root, ConfigException cause) {
    return new FailureAnalysis("failover-resolver configuration: " + cause.getMessage(),
        "Correct the failover.* property named above (the settings table in the README lists every key, its"
            + " default and what is valid).", cause);
  }
}

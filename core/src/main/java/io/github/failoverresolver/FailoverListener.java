package io.github.failoverresolver;

/**
 * Receives {@link FailoverEvent}s. Called on the library's event thread, never on a caller's or the
 * control loop's; an implementation that throws is logged and skipped, one that blocks delays only
 * later events (which queue up to a bound, then are dropped and counted).
 */
@FunctionalInterface
public interface FailoverListener {
  void onEvent(FailoverEvent event);
}

package io.github.failoverresolver.internal.engine;

import io.github.failoverresolver.Outcome;
import io.github.failoverresolver.Target;
import io.github.failoverresolver.internal.SerialExecutor;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Outcomes the clients report. A success is decided on the caller's thread from the address's published state
 * (one hash lookup, then reads of one small object: {@link AddressState.Reports}): with no failures counted it
 * needs no control-loop work at all, and a burst of successes after failures makes one reset. A failure is
 * applied on the loop before {@link #report} returns, so that the very next select avoids an address it ejects.
 * Thread-safe.
 */
public final class OutcomeReports {
  private final AddressIndex index;
  /** The index's map itself: the success path's lookup is one dependent load shorter. */
  private final java.util.concurrent.ConcurrentHashMap<InetSocketAddress, Object> byAddress;
  private final SerialExecutor control;
  private final Inputs inputs;
  private final long callTimeoutMs;

  OutcomeReports(AddressIndex index, SerialExecutor control, Inputs inputs, long callTimeoutMs) {
    this.index = index;
    this.byAddress = index.map();
    this.control = control;
    this.inputs = inputs;
    this.callTimeoutMs = callTimeoutMs;
  }

  /** Outcomes without a target (any endpoint at the address): the clients' common call, nothing to validate. */
  public void report(InetSocketAddress address, Outcome outcome) {
    report(Optional.empty(), address, outcome);
  }

  /** An outcome on {@code address} of the endpoint named in {@code target} (with no target: every endpoint there). */
  void report(Optional<Target> target, InetSocketAddress address, Outcome outcome) {
    // the common case kept small enough to be inlined into the caller: a success on an address that only one
    // endpoint has, with no target to match
    if (outcome.kind() == Outcome.Kind.SUCCESS && target.isEmpty()
        && byAddress.get(address) instanceof AddressState.Reports one) {
      if (one.success()) {
        resetLater(target, address, outcome);
      }
      return;
    }
    reportAny(target, address, outcome);
  }

  private void reportAny(Optional<Target> target, InetSocketAddress address, Outcome outcome) {
    if (outcome.kind() == Outcome.Kind.SUCCESS) {
      Object found = byAddress.get(address);
      boolean work = found instanceof AddressState.Reports one ? success(target, one)
          : found != null && success(target, (AddressState.Reports[]) found);
      if (work) {
        resetLater(target, address, outcome);
      }
      return;
    }
    if (byAddress.get(address) != null) {
      control.call(() -> {
        apply(target, address, outcome);
        return null;
      }, callTimeoutMs);
    }
  }

  /** Counted failures need the loop to reset them; bursts of successes make one reset (coalesced). */
  private void resetLater(Optional<Target> target, InetSocketAddress address, Outcome outcome) {
    control.execute(() -> apply(target, address, outcome));
  }

  /** Marks traffic (passive-first); true when counted failures need the loop to reset them (coalesced). */
  private static boolean success(Optional<Target> target, AddressState.Reports r) {
    return (target.isEmpty() || matches(target, r.state)) && r.success();
  }

  private static boolean success(Optional<Target> target, AddressState.Reports[] all) {
    boolean work = false;
    for (AddressState.Reports r : all) {
      work |= success(target, r);
    }
    return work;
  }

  private static boolean matches(Optional<Target> target, AddressState a) {
    return target.isEmpty() || (target.get().endpoint().equals(a.endpoint.cfg.name())
        && target.get().service().equals(a.endpoint.service.cfg.name()));
  }

  /** On the loop: applies an outcome to the current addresses at {@code address} (the index may have moved). */
  private void apply(Optional<Target> target, InetSocketAddress address, Outcome outcome) {
    for (AddressState a : index.get(address)) {
      if (matches(target, a) && a.endpoint.addresses.get(address) == a) {
        inputs.outcome(a.endpoint, a, outcome);
      }
    }
  }
}

package io.github.failoverresolver.internal.policy;

import java.util.List;

/** A change a decision made that is to be announced. Values only; the narrator turns them into events. */
public sealed interface Transition {

  /** Traffic moved to a worse tier (or, forced, off a tier that lost eligibility). */
  record Failover(int from, int to, String endpoint, Reason reason) implements Transition {}

  record Failback(int from, int to, String endpoint, long stableForMs, Reason reason) implements Transition {}

  /** After a failback, traffic returns to {@code tier} gradually, from {@code minShare} over the window. */
  record SlowStartStarted(int tier, int from, long windowMs, double minShare) implements Transition {}

  /** The slow start to {@code tier} ended: completed (all traffic there), or cut short for {@code why}. */
  record SlowStartEnded(int tier, boolean completed, Reason why) implements Transition {}

  record PanicEntered(List<EndpointVerdict> why) implements Transition {}

  record PanicLeft(Reason reason) implements Transition {}

  record Unavailable(List<EndpointVerdict> why) implements Transition {}
}

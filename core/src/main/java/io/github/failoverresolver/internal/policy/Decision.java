package io.github.failoverresolver.internal.policy;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.OptionalLong;

/**
 * The outcome of {@link FailoverPolicy#decide}. Immutable.
 *
 * @param tier the tier served, or -1 (none, or panic)
 * @param targets the endpoints to hand out, best first, each with its addresses
 * @param endpoints every endpoint's verdict, in the view's order
 * @param next the policy memory to decide with next time
 * @param decideAgainAt when the decision could change with no new input (a failback window or an ejection
 *     ending, the next step of a slow start), if ever
 * @param rampShare during a slow start, the share of traffic for {@code tier}; the rest goes to the first
 *     target of {@code rampFrom}; 1 otherwise
 * @param rampFrom the tier the slow start moves traffic from, or -1
 */
public record Decision(int tier, boolean panic, List<Choice> targets, Reason reason, List<EndpointVerdict> endpoints,
    PolicyMemory next, OptionalLong decideAgainAt, List<Transition> transitions, double rampShare, int rampFrom) {

  public Decision {
    targets = List.copyOf(targets);
    endpoints = List.copyOf(endpoints);
    transitions = List.copyOf(transitions);
  }

  /** One endpoint handed out, by its index in the view, with the addresses to use. */
  public record Choice(int endpoint, String name, int tier, List<InetSocketAddress> addresses, boolean panic) {
    public Choice {
      addresses = List.copyOf(addresses);
    }
  }
}

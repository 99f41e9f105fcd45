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
 *     ending), if ever
 */
public record Decision(int tier, boolean panic, List<Choice> targets, Reason reason, List<EndpointVerdict> endpoints,
    PolicyMemory next, OptionalLong decideAgainAt, List<Transition> transitions) {

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

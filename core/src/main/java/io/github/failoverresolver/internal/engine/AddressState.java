package io.github.failoverresolver.internal.engine;

import io.github.failoverresolver.ResolverSnapshot;
import io.github.failoverresolver.internal.health.CheckScheduler;
import io.github.failoverresolver.internal.health.Ejection;
import io.github.failoverresolver.internal.health.HealthCounters;
import io.github.failoverresolver.internal.policy.AddressFacts;
import io.github.failoverresolver.internal.trust.TlsInspector;
import io.github.failoverresolver.internal.trust.Verdict;
import java.net.InetSocketAddress;
import java.util.Optional;

/** One address of an endpoint; mutable, owned by the control loop. */
final class AddressState {
  static final TlsInspector.CertVerdict NOT_INSPECTED = new TlsInspector.CertVerdict(
      Verdict.unknown("not inspected yet"), Optional.empty(), Optional.empty(), Optional.empty());

  final EndpointState endpoint;
  final InetSocketAddress address;
  final String label;
  /**
   * It carried successful traffic since its last check round: set by callers of report (written only when
   * it changes, so a busy address costs its callers a read), taken (read and cleared) by the check round.
   */
  volatile boolean trafficSeen;
  /** Reported failures are counted: a success report then needs the loop to reset them. */
  volatile boolean failuresPending;
  final CheckScheduler.Slot check = new CheckScheduler.Slot();
  HealthCounters health;
  Ejection ejection = Ejection.NONE;
  long passiveFailureAt = Long.MIN_VALUE; // the last failure a client reported (loop only)
  String passiveFailure = "";
  String detail;
  long lastChecked = Long.MIN_VALUE;
  TlsInspector.CertVerdict tls = NOT_INSPECTED;
  /** DNS no longer names it: it serves only until its replacements have their first verdict. */
  boolean retiring;

  AddressState(EndpointState endpoint, InetSocketAddress address, boolean checked) {
    this.endpoint = endpoint;
    this.address = address;
    this.label = ResolverSnapshot.Address.label(address);
    this.health = HealthCounters.initial(checked);
    this.detail = checked ? "not checked yet" : "no active check configured";
  }

  /** Whether traffic succeeded since the last round; clears the mark. On the loop. */
  boolean takeTraffic() {
    boolean seen = trafficSeen;
    if (seen) {
      trafficSeen = false;
    }
    return seen;
  }

  AddressFacts facts() {
    Verdict v = tls.verdict();
    return new AddressFacts(address, health.health(), ejection.until(), v.status(), v.reason(), tls.leafSha256(),
        tls.issuer(), detail, health.consecutiveFail(), retiring, passiveFailureAt, passiveFailure);
  }
}

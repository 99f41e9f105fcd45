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
  /** What clients' reports write about this address (the index's value for its socket address). */
  final Reports reports = new Reports(this);

  /**
   * The fields a client's report reads and writes, in an object of their own: the address index maps a
   * socket address to it, so a success report reads one small object (one cache line) past the map's entry,
   * not the whole address state (three lines). Callers' threads write it; the loop reads and resets it.
   */
  static final class Reports {
    private static final java.lang.invoke.VarHandle SUCCESSES;

    static {
      try {
        SUCCESSES = java.lang.invoke.MethodHandles.lookup().findVarHandle(Reports.class, "successes", long.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    final AddressState state;
    /**
     * It carried successful traffic since its last check round: set by callers of report (written only when
     * it changes, so a busy address costs its callers a read), taken (read and cleared) by the check round.
     */
    volatile boolean trafficSeen;
    /** Reported failures are counted: a success report then needs the loop to reset them. */
    volatile boolean failuresPending;
    /**
     * Successful outcomes are counted (for outlier detection by rate) once a failure was reported on an
     * address of this endpoint: until then a success report only reads this object, never writes it.
     */
    volatile boolean countSuccesses;
    /** Successful outcomes counted (callers' threads, atomic add); the loop windows them. */
    volatile long successes;

    Reports(AddressState state) {
      this.state = state;
    }

    /**
     * A success report (callers' threads): counts it when counting is on, marks traffic (passive-first: the next
     * probe is skipped), and says whether counted failures need the loop to reset them (true once for a burst).
     */
    boolean success() {
      if (countSuccesses) {
        SUCCESSES.getAndAdd(this, 1L);
      }
      if (!trafficSeen) {
        trafficSeen = true;
      }
      if (failuresPending) {
        failuresPending = false;
        return true;
      }
      return false;
    }
  }

  /** Failed outcomes reported, ever (loop only). */
  long failures;
  /** The rate window (loop only): its start, the totals then, and the previous window's counts. */
  long windowStart = Long.MIN_VALUE;
  long windowSuccesses0;
  long windowFailures0;
  long previousSuccesses;
  long previousFailures;
  final CheckScheduler.Slot check = new CheckScheduler.Slot();
  // volatile: written on the loop, read by snapshots on any thread (immutable values)
  volatile HealthCounters health;
  volatile Ejection ejection = Ejection.NONE;
  long passiveFailureAt = Long.MIN_VALUE; // the last failure a client reported (loop only)
  String passiveFailure = "";
  volatile String detail;
  volatile long lastChecked = Long.MIN_VALUE;
  volatile TlsInspector.CertVerdict tls = NOT_INSPECTED;
  /** DNS no longer names it: it serves only until its replacements have their first verdict. */
  volatile boolean retiring;

  AddressState(EndpointState endpoint, InetSocketAddress address, boolean checked) {
    this.endpoint = endpoint;
    this.address = address;
    this.label = ResolverSnapshot.Address.label(address);
    this.health = HealthCounters.initial(checked);
    this.detail = checked ? "not checked yet" : "no active check configured";
  }

  /** Whether traffic succeeded since the last round; clears the mark. On the loop. */
  boolean takeTraffic() {
    boolean seen = reports.trafficSeen;
    if (seen) {
      reports.trafficSeen = false;
    }
    return seen;
  }

  /**
   * Outcomes over the current window plus the one before it (Envoy judges each 10 s interval; this sees the
   * last one to two windows at any moment). On the loop.
   */
  io.github.failoverresolver.internal.health.RateOutliers.Counts rateCounts(long now, long windowMs) {
    long s = reports.successes;
    if (windowStart == Long.MIN_VALUE) {
      windowStart = now; // first look: everything reported so far is this window's
    } else if (now - windowStart >= 2 * windowMs) {
      previousSuccesses = 0; // quiet for two windows: start afresh
      previousFailures = 0;
      windowStart = now;
      windowSuccesses0 = s;
      windowFailures0 = failures;
    } else if (now - windowStart >= windowMs) {
      previousSuccesses = s - windowSuccesses0;
      previousFailures = failures - windowFailures0;
      windowStart += windowMs;
      windowSuccesses0 = s;
      windowFailures0 = failures;
    }
    return new io.github.failoverresolver.internal.health.RateOutliers.Counts(
        previousSuccesses + s - windowSuccesses0, previousFailures + failures - windowFailures0);
  }

  AddressFacts facts() {
    Verdict v = tls.verdict();
    return new AddressFacts(address, health.health(), ejection.until(), v.status(), v.reason(), tls.leafSha256(),
        tls.issuer(), detail, health.consecutiveFail(), retiring, passiveFailureAt, passiveFailure);
  }
}

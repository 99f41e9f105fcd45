package io.github.failoverresolver.grpc;

import io.github.failoverresolver.FailoverResolver;
import io.github.failoverresolver.Outcome;
import io.github.failoverresolver.Target;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientStreamTracer;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reports each call's outcome to the resolver as passive evidence about the address it went to:
 * <ul>
 *   <li>UNAVAILABLE on a transport (the connection broke, the server is going away) is a connect failure
 *       and ejects the address at once; another status in the failure set (by default DEADLINE_EXCEEDED,
 *       which on a transport means the server did not answer in time) is a failure;</li>
 *   <li>a call that never reached a transport (UNAVAILABLE from a failed pick, or a wait-for-ready deadline)
 *       is a connect failure of the addresses the channel was given for it: the service's first target when
 *       the call started, if the routing has not changed since (a stale failure never lands on the
 *       target the resolver moved to);</li>
 *   <li>CANCELLED is nobody's evidence (the client gave up, or the server reset the stream while shutting
 *       down): neither success nor failure;</li>
 *   <li>anything else (OK, and application errors such as NOT_FOUND) is a success of the address.</li>
 * </ul>
 * The channel's authority names the service (as {@code failover:///payments} gives); on channels to
 * other authorities only calls that reached a transport are reported. Thread-safe.
 */
public final class FailoverClientInterceptor implements ClientInterceptor {
  private static final Set<Status.Code> DEFAULT_FAILURES = EnumSet.of(Status.Code.UNAVAILABLE,
      Status.Code.DEADLINE_EXCEEDED);

  private static final Duration DEFAULT_HEDGE = Duration.ofMillis(250);

  private final FailoverResolver resolver;
  private final Set<Status.Code> failures;
  private final long hedgeNanos;
  /**
   * The connect hedge's timer: one named daemon thread, started on demand and gone after 1 s without
   * work, so an idle interceptor holds no thread (there is no close() on an interceptor).
   */
  private final java.util.concurrent.ScheduledThreadPoolExecutor timer;
  /** Endpoint addresses that have carried a stream: only those can be suspected of going silent. */
  private final Set<InetSocketAddress> seenWorking = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile long lastHedgedGeneration = Long.MIN_VALUE;

  /** A call waiting for a stream, meant for {@code target}. */
  private static final class Waiting {
    final Target target;
    volatile boolean settled;
    volatile java.util.concurrent.Future<?> check;

    Waiting(Target target) {
      this.target = target;
    }

    void settle() {
      settled = true;
      java.util.concurrent.Future<?> c = check;
      if (c != null) {
        c.cancel(false);
      }
    }
  }

  private FailoverClientInterceptor(FailoverResolver resolver, Set<Status.Code> failures, Duration hedge) {
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.failures = Set.copyOf(failures);
    Objects.requireNonNull(hedge, "hedge");
    if (hedge.isNegative() || hedge.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException("hedge: " + hedge + " is not between 0 and 1 minute");
    }
    this.hedgeNanos = hedge.toNanos();
    this.timer = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "failover-grpc-connect-hedge");
      t.setDaemon(true);
      return t;
    });
    timer.setKeepAliveTime(1, java.util.concurrent.TimeUnit.SECONDS);
    timer.allowCoreThreadTimeOut(true);
    timer.setRemoveOnCancelPolicy(true);
  }

  /** Failures: UNAVAILABLE and DEADLINE_EXCEEDED; connect hedge 250 ms. */
  public static FailoverClientInterceptor of(FailoverResolver resolver) {
    return new FailoverClientInterceptor(resolver, DEFAULT_FAILURES, DEFAULT_HEDGE);
  }

  /**
   * The same interceptor with another connect hedge. When a call has waited this long for a stream to a
   * target whose addresses carried streams before (so not a first, cold connection), the channel is taken
   * to be reconnecting to an address that went silent (a blackhole: connects hang instead of being
   * refused): that is reported as a connect failure of the target, which ejects it, and the channel moves
   * on (with {@link FailoverChannels#reconnectOnChange}, at once). Checked when calls start (no timer
   * thread), so it acts on a busy channel; a quiet one relies on the active checks. Zero turns it off.
   */
  public FailoverClientInterceptor withConnectHedge(Duration hedge) {
    return new FailoverClientInterceptor(resolver, failures, hedge);
  }

  /**
   * @param failures the status codes that count as a failure of the address (CANCELLED is never one;
   *     UNAVAILABLE always counts as a connect failure)
   */
  public static FailoverClientInterceptor of(FailoverResolver resolver, Set<Status.Code> failures) {
    Set<Status.Code> chosen = EnumSet.noneOf(Status.Code.class);
    chosen.addAll(failures);
    chosen.add(Status.Code.UNAVAILABLE);
    chosen.remove(Status.Code.CANCELLED);
    return new FailoverClientInterceptor(resolver, chosen, DEFAULT_HEDGE);
  }

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(MethodDescriptor<ReqT, RespT> method,
      CallOptions options, Channel next) {
    Target atStart = currentTarget(next.authority());
    Waiting me = atStart == null || hedgeNanos == 0 || atStart.addresses().stream().noneMatch(seenWorking::contains)
        ? null : new Waiting(atStart);
    if (me != null) {
      try {
        me.check = timer.schedule(() -> hedge(me), hedgeNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // no hedge for this call
      }
    }
    // Each attempt (gRPC's retries and hedges make several per call) gets a stream tracer that reports its
    // own outcome when its stream closes: below the retries, so that a failed attempt ejects its address
    // before the next attempt is picked. The call's close reports only when no attempt did (a
    // wait-for-ready call that never got a stream).
    AtomicBoolean attemptReported = new AtomicBoolean();
    ClientStreamTracer.Factory tracers = new ClientStreamTracer.Factory() {
      @Override
      public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info, Metadata headers) {
        return new ClientStreamTracer() {
          private final long started = System.nanoTime();
          private volatile SocketAddress remote;

          @Override
          public void streamCreated(io.grpc.Attributes transportAttrs, Metadata headers) {
            remote = transportAttrs.get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
            if (me != null) {
              me.settle();
            }
            if (remote instanceof InetSocketAddress a && atStart != null && atStart.addresses().contains(a)) {
              seenWorking.add(a);
            }
          }

          @Override
          public void streamClosed(Status status) {
            if (report(status, remote, atStart, started)) {
              attemptReported.set(true);
            }
          }
        };
      }
    };
    ClientCall<ReqT, RespT> call = next.newCall(method, options.withStreamTracerFactory(tracers));
    return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
      private final long started = System.nanoTime();

      @Override
      public void start(Listener<RespT> listener, Metadata headers) {
        super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
          @Override
          public void onClose(Status status, Metadata trailers) {
            if (me != null) {
              me.settle();
            }
            if (!attemptReported.get()) {
              report(status, call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR), atStart, started);
            }
            super.onClose(status, trailers);
          }
        }, headers);
      }
    };
  }

  /**
   * The connect hedge, on the timer: a call still without a stream after the delay, meant for a target
   * whose addresses carried streams before and that is still current, reports that target's addresses as
   * a slow connect (once per routing generation).
   */
  private void hedge(Waiting w) {
    if (w.settled || w.target.generation() == lastHedgedGeneration) {
      return;
    }
    Target now = currentTarget(w.target.service());
    if (now == null || now.generation() != w.target.generation()) {
      return;
    }
    lastHedgedGeneration = w.target.generation();
    String why = "no connection within " + hedgeNanos / 1_000_000 + " ms (connect hedge)";
    try {
      for (InetSocketAddress a : w.target.addresses()) {
        resolver.report(w.target, a, Outcome.connectFailure(why));
      }
    } catch (RuntimeException e) {
      // reporting must never break a call
    }
  }

  /** Reports one attempt's (or call's) outcome; true when something was reported. Never throws. */
  private boolean report(Status status, SocketAddress remote, Target atStart, long startedNanos) {
    try {
      Status.Code code = status.getCode();
      if (code == Status.Code.CANCELLED) {
        return false;
      }
      if (remote instanceof InetSocketAddress address) {
        if (code == Status.Code.UNAVAILABLE) {
          resolver.report(address, Outcome.connectFailure(describe(status)));
        } else if (failures.contains(code)) {
          resolver.report(address, Outcome.failure(describe(status)));
        } else {
          resolver.report(address, Outcome.success(Duration.ofNanos(System.nanoTime() - startedNanos)));
        }
        return true;
      }
      if (remote == null && atStart != null
          && (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED)) {
        return reportUnreached(atStart, status);
      }
    } catch (RuntimeException e) {
      // reporting must never break the call
    }
    return false;
  }

  /**
   * The call never got a transport. UNAVAILABLE from a failed pick carries the channel's last connect
   * error, which names the address it failed on ({@code host/ip:port}): a connect failure of that address
   * when it is one of the service's endpoints' (so a stale error can only ever land on the address it is
   * about, never on the target the resolver moved to). A wait-for-ready deadline names no address: a
   * failure (not an ejection by itself) of the target the call was meant for, if the routing has not
   * changed since the call started.
   */
  private boolean reportUnreached(Target meant, Status status) {
    String why = "no transport: " + describe(status);
    if (status.getCode() == Status.Code.UNAVAILABLE) {
      InetSocketAddress failedOn = addressIn(status.getCause());
      Optional<Target> owner = failedOn == null ? Optional.empty() : resolver.endpointAt(meant.service(), failedOn);
      owner.ifPresent(o -> resolver.report(o, failedOn, Outcome.connectFailure(why)));
      return owner.isPresent();
    }
    Target now = currentTarget(meant.service());
    if (now == null || now.generation() != meant.generation()) {
      return false;
    }
    for (InetSocketAddress address : meant.addresses()) {
      resolver.report(meant, address, Outcome.failure(why));
    }
    return true;
  }

  /** The last {@code /ip:port} in a connect error's messages (Netty's and the JDK's form); null when none. */
  static InetSocketAddress addressIn(Throwable error) {
    for (int depth = 0; error != null && depth < 5; depth++, error = error.getCause()) {
      String m = error.getMessage();
      int slash = m == null ? -1 : m.lastIndexOf('/');
      if (slash < 0) {
        continue;
      }
      String tail = m.substring(slash + 1).trim();
      int colon = tail.lastIndexOf(':');
      if (colon <= 0) {
        continue;
      }
      String ip = tail.substring(0, colon);
      String port = tail.substring(colon + 1);
      if (ip.startsWith("[") && ip.endsWith("]")) {
        ip = ip.substring(1, ip.length() - 1);
      }
      if (!ip.matches("[0-9a-fA-F:.]{2,45}") || !port.matches("[0-9]{1,5}") || Integer.parseInt(port) > 65535) {
        continue;
      }
      try {
        // a literal only (checked above): no lookup happens
        return new InetSocketAddress(java.net.InetAddress.getByName(ip), Integer.parseInt(port));
      } catch (java.net.UnknownHostException notALiteral) {
        continue;
      }
    }
    return null;
  }

  private Target currentTarget(String authority) {
    if (authority == null || !resolver.services().contains(authority)) {
      return null;
    }
    try {
      return resolver.select(authority);
    } catch (RuntimeException none) {
      return null;
    }
  }

  private static String describe(Status status) {
    return "grpc " + status.getCode() + (status.getDescription() == null ? "" : ": "
        + status.getDescription()); // Outcome sanitises it
  }
}

package io.github.failoverresolver.internal.policy;

import io.github.failoverresolver.ResolverSnapshot.Health;
import io.github.failoverresolver.ResolverSnapshot.TrustStatus;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Random views, memories and settings for the policy's properties: plain values, no sockets. Drawn from a
 * seed that jqwik supplies (fast enough for 10,000 tries per property; a failing seed reproduces the state,
 * which the assertion message prints).
 */
final class PolicyArbitraries {
  private PolicyArbitraries() {}

  static final long START = 1_000_000L;

  /** An address 127.0.0.n:port; a small pool so that backups sometimes share a primary's address. */
  static InetSocketAddress address(int n, int port) {
    try {
      return new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) n}), port);
    } catch (UnknownHostException impossible) {
      throw new AssertionError(impossible);
    }
  }

  static <T> T pick(SplittableRandom r, List<T> from) {
    return from.get(r.nextInt(from.size()));
  }

  static AddressFacts address(SplittableRandom r, int port, long now) {
    int w = r.nextInt(9);
    Health health = w < 6 ? Health.HEALTHY : w < 8 ? Health.UNHEALTHY : Health.UNKNOWN;
    long ejectedUntil = r.nextInt(6) == 0 ? now - 10_000 + r.nextInt(70_000) : 0;
    TrustStatus tls = r.nextInt(7) < 6 ? TrustStatus.TRUSTED
        : pick(r, List.of(TrustStatus.WARN, TrustStatus.BLOCKED, TrustStatus.UNKNOWN));
    Optional<String> leaf = pick(r, List.of(Optional.<String>empty(), Optional.of("leaf-a"), Optional.of("leaf-b"),
        Optional.of("leaf-c")));
    return new AddressFacts(address(1 + r.nextInt(12), port), health, ejectedUntil, tls, "tls " + tls, leaf,
        leaf.map(x -> "CN=ca"), "detail " + health, r.nextInt(5), false,
        r.nextInt(4) == 0 ? now - r.nextInt(60_000) : Long.MIN_VALUE, "HTTP 503");
  }

  /** One endpoint of {@code tier}, with 0 to 3 addresses (on a port of its own, so names stay unique). */
  static EndpointFacts endpoint(SplittableRandom r, int tier, int index, long now) {
    int port = 1000 + tier * 10 + index;
    Map<InetSocketAddress, AddressFacts> addresses = new LinkedHashMap<>();
    int n = r.nextInt(4);
    for (int i = 0; i < n; i++) {
      AddressFacts a = address(r, port, now);
      addresses.putIfAbsent(a.address(), a);
    }
    Optional<CredentialFacts> credential = r.nextInt(5) < 3 ? Optional.empty()
        : Optional.of(new CredentialFacts(pick(r, List.of(TrustStatus.values())), "credential", "TOKEN", r.nextBoolean()));
    return new EndpointFacts(name(tier, index), tier, r.nextInt(10) == 0, false, r.nextBoolean(), credential,
        "A from loopback", List.copyOf(addresses.values()));
  }

  static String name(int tier, int index) {
    return "e" + tier + "-" + index + ".test:" + (1000 + tier * 10 + index);
  }

  /** The shape of a service: per tier (numbered with gaps, as users may), how many endpoints. */
  static List<Integer> shape(SplittableRandom r) {
    List<Integer> sizes = new ArrayList<>();
    int tiers = 1 + r.nextInt(3);
    for (int t = 0; t < tiers; t++) {
      sizes.add(1 + r.nextInt(3));
    }
    return sizes;
  }

  /** A view of {@code shape}, its facts drawn anew. */
  static ServiceView view(SplittableRandom r, List<Integer> shape, long now) {
    List<EndpointFacts> eps = new ArrayList<>();
    for (int t = 0; t < shape.size(); t++) {
      for (int i = 0; i < shape.get(t); i++) {
        eps.add(endpoint(r, t * 2, i, now));
      }
    }
    return new ServiceView("pay", eps);
  }

  static PolicySettings settings(SplittableRandom r) {
    return new PolicySettings(1 + r.nextInt(3), r.nextLong(40_001), pick(r, List.of(1.0, 1.5, 2.0, 3.0)),
        40_000 + r.nextLong(160_001), 1_000 + r.nextLong(300_000), r.nextBoolean(), r.nextBoolean(), r.nextBoolean());
  }

  /** Any memory a service could have: an active tier or none, eligibility times, failovers, pins. */
  static PolicyMemory memory(SplittableRandom r, ServiceView view, long now) {
    List<Integer> tiers = view.tiers();
    int active = r.nextInt(5) == 0 ? -1 : pick(r, tiers);
    Map<Integer, Long> since = new HashMap<>();
    for (int t : tiers) {
      if (r.nextBoolean()) {
        since.put(t, now - r.nextLong(120_001));
      }
    }
    List<Long> failovers = new ArrayList<>();
    int n = r.nextInt(5);
    for (int i = 0; i < n; i++) {
      failovers.add(now - r.nextLong(400_001));
    }
    failovers.sort(null);
    int pin = r.nextInt(20);
    Optional<Integer> pinTier = pin < 3 ? Optional.of(pick(r, tiers)) : Optional.empty();
    Optional<String> pinEndpoint = pin == 3 ? Optional.of(pick(r, view.endpoints()).name()) : Optional.empty();
    return new PolicyMemory(active, since, failovers, pinTier, pinEndpoint, r.nextBoolean(), false, false);
  }
}

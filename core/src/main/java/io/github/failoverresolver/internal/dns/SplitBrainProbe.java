package io.github.failoverresolver.internal.dns;

import io.github.failoverresolver.DnsAnswer;
import io.github.failoverresolver.DnsLookupException;
import io.github.failoverresolver.DnsProvider;
import io.github.failoverresolver.FailoverEvent;
import io.github.failoverresolver.RecordType;
import io.github.failoverresolver.internal.EventDispatcher;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.xbill.DNS.Name;

/**
 * Asks the first two providers the same question and reports a {@link FailoverEvent.SplitBrainDetected} when
 * their answers differ (as sorted sets of data). A provider that does not answer is an outage, not a split
 * brain: nothing is reported. Thread-safe (runs on the caller's thread, after a fetch of a watched name).
 */
final class SplitBrainProbe {
  private final UpstreamClient client;
  private final NameResolution resolution;
  private final EventDispatcher events;
  private final Clock clock;

  SplitBrainProbe(UpstreamClient client, NameResolution resolution, EventDispatcher events, Clock clock) {
    this.client = client;
    this.resolution = resolution;
    this.events = events;
    this.clock = clock;
  }

  void probe(Name name, RecordType type) {
    List<DnsProvider> providers = client.providers();
    Map<String, List<String>> answers = new LinkedHashMap<>();
    for (DnsProvider p : providers.subList(0, 2)) {
      try {
        NameResolution.Resolved r = resolution.resolve(name, type.code(), Optional.of(List.of(p)));
        List<String> data = new ArrayList<>();
        r.addresses().forEach(a -> data.add(a.getHostAddress()));
        r.srv().forEach(s -> data.add(s.toString()));
        if (r.status() != DnsAnswer.Status.NOERROR) {
          data.add(r.status().name());
        }
        answers.put(p.name(), data.stream().sorted().toList());
      } catch (DnsLookupException unreachable) {
        return; // a provider that does not answer is an outage, not a split brain
      }
    }
    if (answers.values().stream().distinct().count() > 1) {
      events.publish(new FailoverEvent.SplitBrainDetected(clock.instant(), name.toString(), type, answers));
    }
  }
}

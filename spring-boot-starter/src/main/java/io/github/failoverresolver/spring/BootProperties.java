package io.github.failoverresolver.spring;

import io.github.failoverresolver.ConfigException;
import io.github.failoverresolver.FailoverResolver;
import io.github.failoverresolver.ResolverConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.origin.Origin;
import org.springframework.core.env.Environment;

/**
 * Reads the {@code failover.*} properties of a Spring environment into the configuration file's sections, so
 * that Boot properties and configuration files share one settings table, one parser and one validation:
 * <pre>
 * failover.dns.providers.NAME.servers = 127.0.0.1:53, [::1]:53   (or "system")
 * failover.dns.providers.NAME.validating / .hosts-file
 * failover.dns.KEY                     [dns] KEY (require-dnssec and split-brain-probe take lists)
 * failover.resolver.KEY                [resolver] KEY
 * failover.services.NAME.KEY           [service NAME] KEY
 * failover.services.NAME.endpoints[N].address = HOST:PORT, .tier, .check, .trust, .tls, .credential, .KEY
 * </pre>
 * Every error names the property (and where it was set, when Spring knows).
 */
final class BootProperties {
  static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of("failover");
  /** Keys of the starter itself, not of the settings table. */
  private static final Set<String> OWN = Set.of("failover.enabled");

  private BootProperties() {}

  /** Whether any service is configured (the starter builds a resolver only then). */
  static boolean hasServices(Environment env) {
    ConfigurationPropertyName services = ConfigurationPropertyName.of("failover.services");
    for (ConfigurationPropertySource source : ConfigurationPropertySources.get(env)) {
      if (source instanceof IterableConfigurationPropertySource it
          && it.stream().anyMatch(services::isAncestorOf)) {
        return true;
      }
    }
    return false;
  }

  /** The failover.* properties, in the order written; where several sources set one, the highest precedence wins. */
  static Map<String, ConfigurationProperty> read(Environment env) {
    Map<String, ConfigurationProperty> out = new LinkedHashMap<>(); // as written: providers are asked in order
    for (ConfigurationPropertySource source : ConfigurationPropertySources.get(env)) {
      if (source instanceof IterableConfigurationPropertySource it) {
        it.stream().filter(ROOT::isAncestorOf).forEach(name -> {
          String key = name.toString();
          if (!out.containsKey(key)) {
            ConfigurationProperty p = source.getConfigurationProperty(name);
            if (p != null && p.getValue() != null) {
              out.put(key, p);
            }
          }
        });
      }
    }
    return out;
  }

  static String where(ConfigurationProperty p) {
    Origin origin = p.getOrigin();
    return "property '" + p.getName() + "'" + (origin == null ? "" : " (" + origin + ")");
  }

  /** Builds the resolver's builder from the environment's failover.* properties. */
  static FailoverResolver.Builder builder(Environment env) {
    Map<String, ConfigurationProperty> props = read(env);
    List<ResolverConfig.Entry> dns = new ArrayList<>();
    Map<String, List<ResolverConfig.Entry>> listValues = new LinkedHashMap<>();
    List<ResolverConfig.Entry> resolver = new ArrayList<>();
    Map<String, List<ResolverConfig.Entry>> services = new LinkedHashMap<>();
    Map<String, Map<Integer, List<ConfigurationProperty>>> endpoints = new LinkedHashMap<>();
    Set<String> providerOrder = new LinkedHashSet<>();
    for (ConfigurationProperty p : props.values()) {
      ConfigurationPropertyName n = p.getName();
      String key = n.toString();
      if (OWN.contains(key)) {
        continue;
      }
      String value = String.valueOf(p.getValue()).strip();
      String section = n.getNumberOfElements() > 1 ? n.getElement(1, ConfigurationPropertyName.Form.DASHED) : "";
      int size = n.getNumberOfElements();
      switch (section) {
        case "dns" -> {
          if (size == 5 && element(n, 2).equals("providers")) {
            String provider = element(n, 3);
            String what = element(n, 4);
            providerOrder.add(provider);
            String fileKey = switch (what) {
              case "servers" -> "provider." + provider;
              case "validating", "hosts-file" -> "provider." + provider + "." + what;
              default -> throw new ConfigException(where(p) + ": unknown; a provider has servers, validating and"
                  + " hosts-file");
            };
            dns.add(new ResolverConfig.Entry(fileKey, value, where(p)));
          } else if (size == 6 && element(n, 2).equals("providers") && element(n, 4).equals("servers")
              && n.isNumericIndex(5)) {
            providerOrder.add(element(n, 3)); // servers as a YAML list
            listValues.computeIfAbsent("provider." + element(n, 3), k -> new ArrayList<>())
                .add(new ResolverConfig.Entry("provider." + element(n, 3), value, where(p)));
          } else if (size == 3) {
            dns.add(new ResolverConfig.Entry(element(n, 2), value, where(p)));
          } else if (size == 4 && n.isNumericIndex(3)) { // require-dnssec or split-brain-probe as a list
            listValues.computeIfAbsent(element(n, 2), k -> new ArrayList<>())
                .add(new ResolverConfig.Entry(element(n, 2), value, where(p)));
          } else {
            throw unknown(p);
          }
        }
        case "resolver" -> {
          if (size != 3) {
            throw unknown(p);
          }
          resolver.add(new ResolverConfig.Entry(element(n, 2), value, where(p)));
        }
        case "services" -> {
          if (size < 4) {
            throw unknown(p);
          }
          String service = n.getElement(2, ConfigurationPropertyName.Form.ORIGINAL);
          if (size == 4) {
            services.computeIfAbsent(service, k -> new ArrayList<>())
                .add(new ResolverConfig.Entry(element(n, 3), value, where(p)));
          } else if (size == 6 && element(n, 3).equals("endpoints") && n.isNumericIndex(4)) {
            services.computeIfAbsent(service, k -> new ArrayList<>());
            endpoints.computeIfAbsent(service, k -> new TreeMap<>())
                .computeIfAbsent(Integer.parseInt(element(n, 4)), k -> new ArrayList<>()).add(p);
          } else {
            throw unknown(p);
          }
        }
        default -> throw unknown(p);
      }
    }
    listValues.forEach((key, entries) -> dns.add(new ResolverConfig.Entry(key,
        String.join(", ", entries.stream().map(ResolverConfig.Entry::value).toList()), entries.get(0).where())));
    // providers in the order they were named (properties come sorted; a provider's servers line first)
    List<ResolverConfig.Entry> ordered = new ArrayList<>();
    for (String provider : providerOrder) {
      dns.stream().filter(e -> e.key().equals("provider." + provider)).forEach(ordered::add);
      dns.stream().filter(e -> e.key().startsWith("provider." + provider + ".")).forEach(ordered::add);
    }
    dns.stream().filter(e -> !e.key().startsWith("provider.")).forEach(ordered::add);

    List<ResolverConfig.Section> sections = new ArrayList<>();
    if (!ordered.isEmpty()) {
      sections.add(new ResolverConfig.Section("dns", "", "properties 'failover.dns.*'", ordered));
    }
    if (!resolver.isEmpty()) {
      sections.add(new ResolverConfig.Section("resolver", "", "properties 'failover.resolver.*'", resolver));
    }
    for (Map.Entry<String, List<ResolverConfig.Entry>> s : services.entrySet()) {
      String service = s.getKey();
      String prefix = "failover.services." + service;
      sections.add(new ResolverConfig.Section("service", service, "properties '" + prefix + ".*'", s.getValue()));
      for (Map.Entry<Integer, List<ConfigurationProperty>> e
          : endpoints.getOrDefault(service, Map.of()).entrySet()) {
        String at = prefix + ".endpoints[" + e.getKey() + "]";
        String address = null;
        List<ResolverConfig.Entry> entries = new ArrayList<>();
        for (ConfigurationProperty p : e.getValue()) {
          String k = element(p.getName(), 5);
          String v = String.valueOf(p.getValue()).strip();
          if (k.equals("address")) {
            address = v;
          } else {
            entries.add(new ResolverConfig.Entry(k, v, where(p)));
          }
        }
        if (address == null || address.isEmpty() || address.contains(" ")) {
          throw new ConfigException("property '" + at + ".address': " + (address == null ? "missing" : "'" + address
              + "' is not HOST:PORT") + "; every endpoint needs address = HOST:PORT (or srv:NAME)");
        }
        sections.add(new ResolverConfig.Section("endpoint", service + " " + address, "property '" + at + "'",
            entries));
      }
    }
    return ResolverConfig.from("Spring properties", sections);
  }

  private static String element(ConfigurationPropertyName n, int i) {
    return n.getElement(i, ConfigurationPropertyName.Form.DASHED);
  }

  private static ConfigException unknown(ConfigurationProperty p) {
    return new ConfigException(where(p) + ": not a failover-resolver property; expected failover.dns.KEY,"
        + " failover.dns.providers.NAME.servers, failover.resolver.KEY, failover.services.NAME.KEY or"
        + " failover.services.NAME.endpoints[N].KEY");
  }
}

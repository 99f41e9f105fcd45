package io.github.failoverresolver.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.failoverresolver.ConfigException;
import io.github.failoverresolver.FailoverResolver;
import io.github.failoverresolver.Setting;
import io.github.failoverresolver.SettingSamples;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Boot properties and the settings table: every setting is settable as {@link Setting#bootProperty()}, and a bad
 * value of any of them fails the context's start with an error naming the property.
 */
class BootSettingsTest {
  static final String ENDPOINT = "127.0.0.1:9";

  final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(FailoverAutoConfiguration.class))
      .withPropertyValues("failover.dns.providers.local.servers=127.0.0.1:9",
          "failover.services.pay.endpoints[0].address=" + ENDPOINT, "failover.services.pay.endpoints[0].tier=0");

  static String property(Setting<?> s) {
    return s.bootProperty().replace("NAME", "pay").replace("[N]", "[0]");
  }

  @Test
  void everySettingOfTheTableIsSettableThroughBootProperties() {
    List<String> values = new ArrayList<>();
    for (Setting<?> s : Setting.all()) {
      values.add(property(s) + "=" + format(s));
    }
    runner.withPropertyValues(values.toArray(String[]::new)).run(ctx -> {
      assertEquals(null, ctx.getStartupFailure());
      FailoverResolver r = ctx.getBean(FailoverResolver.class);
      for (Setting<?> s : Setting.all()) {
        assertEquals(SettingSamples.other(s), r.setting(s, "pay", ENDPOINT), property(s));
      }
    });
    assertTrue(Setting.all().size() >= 30, "every setting: " + Setting.all().size());
  }

  @Test
  void leftOutEachSettingReadsAsItsDefault() {
    runner.run(ctx -> {
      FailoverResolver r = ctx.getBean(FailoverResolver.class);
      for (Setting<?> s : Setting.all()) {
        assertEquals(s.defaultValue(), r.setting(s, "pay", ENDPOINT), property(s));
      }
    });
  }

  @Test
  void aBadValueOfEverySettingFailsTheStartNamingTheProperty() {
    for (Setting<?> s : Setting.all()) {
      String bad = SettingSamples.bad(s);
      runner.withPropertyValues(property(s) + "=" + bad).run(ctx -> {
        Throwable failure = ctx.getStartupFailure();
        assertNotNull(failure, property(s) + "=" + bad + " started");
        ConfigException cause = rootConfigException(failure);
        assertTrue(cause.getMessage().startsWith("property '" + property(s) + "'"), cause.getMessage());
      });
    }
  }

  @Test
  void aPropertyOutsideTheTableFailsNamingIt() {
    runner.withPropertyValues("failover.services.pay.failback-stabilty=30s").run(ctx -> {
      ConfigException cause = rootConfigException(ctx.getStartupFailure());
      assertTrue(cause.getMessage().startsWith("property 'failover.services.pay.failback-stabilty'"),
          cause.getMessage());
      assertTrue(cause.getMessage().contains("unknown in [service NAME]; known: "), cause.getMessage());
    });
  }

  @Test
  void anEndpointWithoutAnAddressFailsNamingIt() {
    new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(FailoverAutoConfiguration.class))
        .withPropertyValues("failover.services.pay.endpoints[0].tier=0").run(ctx -> {
          ConfigException cause = rootConfigException(ctx.getStartupFailure());
          assertEquals("property 'failover.services.pay.endpoints[0].address': missing; every endpoint needs"
              + " address = HOST:PORT (or srv:NAME)", cause.getMessage());
        });
  }

  /** An SRV endpoint is an address of "srv:NAME"; its targets become the tier's endpoints (real loopback DNS). */
  @Test
  void anSrvEndpointIsGivenAsSrvColonName() throws Exception {
    try (io.github.failoverresolver.testing.LoopbackDnsServer dns = io.github.failoverresolver.testing.LoopbackDnsServer
        .start()) {
      dns.zone("test", 3600, 30).a("one.pay.test", 300, "127.0.0.1").srv("_http._tcp.pay.test", 300, 0, 1, 8080,
          "one.pay.test");
      new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(FailoverAutoConfiguration.class))
          .withPropertyValues("failover.dns.providers.local.servers=" + dns.hostAndPort(),
              "failover.services.pay.endpoints[0].address=srv:_http._tcp.pay.test",
              "failover.services.pay.endpoints[0].tier=0")
          .run(ctx -> {
            assertEquals(null, ctx.getStartupFailure());
            FailoverResolver r = ctx.getBean(FailoverResolver.class);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (r.targets("pay").isEmpty() && System.nanoTime() < deadline) {
              Thread.sleep(10);
            }
            assertEquals("one.pay.test:8080", r.select("pay").endpoint(), "the SRV target, passive only: eligible");
          });
    }
  }

  @Test
  void withoutServicesNoResolverIsBuilt() {
    new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(FailoverAutoConfiguration.class))
        .run(ctx -> assertEquals(0, ctx.getBeanNamesForType(FailoverResolver.class).length));
  }

  @Test
  void clientCustomizersAndMetricsComeWithTheirLibraries() {
    runner.withConfiguration(AutoConfigurations.of(FailoverSupportAutoConfiguration.class))
        .withPropertyValues("management.endpoints.web.exposure.include=failover").run(ctx -> {
      assertEquals(null, ctx.getStartupFailure());
      assertEquals(1, ctx.getBeanNamesForType(FailoverOkHttpCustomizer.class).length);
      assertEquals(1, ctx.getBeanNamesForType(FailoverGrpcChannelCustomizer.class).length);
      assertEquals(1, ctx.getBeanNamesForType(io.github.failoverresolver.micrometer.FailoverMetrics.class).length);
      assertEquals(1, ctx.getBeanNamesForType(FailoverEndpoint.class).length);
    });
  }

  @Test
  void disabledBuildsNothing() {
    runner.withConfiguration(AutoConfigurations.of(FailoverSupportAutoConfiguration.class))
        .withPropertyValues("failover.enabled=false").run(ctx -> {
          assertEquals(0, ctx.getBeanNamesForType(FailoverResolver.class).length);
          assertEquals(0, ctx.getBeanNamesForType(FailoverOkHttpCustomizer.class).length);
        });
  }

  static org.springframework.core.env.StandardEnvironment yaml(String resource) throws Exception {
    org.springframework.core.env.StandardEnvironment env = new org.springframework.core.env.StandardEnvironment();
    for (var source : new org.springframework.boot.env.YamlPropertySourceLoader().load(resource,
        new org.springframework.core.io.ClassPathResource(resource))) {
      env.getPropertySources().addFirst(source);
    }
    return env;
  }

  /** The README's application.yml parses into the settings (not built: its hosts are not on loopback). */
  @Test
  void theReadmeExampleIsValid() throws Exception {
    String readme = java.nio.file.Files.readString(java.nio.file.Path.of("../README.md"));
    String example = new String(getClass().getResourceAsStream("/readme-example.yml").readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(readme.contains(example.substring(example.indexOf('\n') + 1)), "README's example changed");
    BootProperties.builder(yaml("readme-example.yml"));
  }

  @Test
  void aBadValueInApplicationYmlNamesThePropertyAndTheLine() throws Exception {
    ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
        () -> BootProperties.builder(yaml("bad-example.yml")));
    assertEquals("property 'failover.services.payments.failback-stability' (class path resource [bad-example.yml]"
        + " - 7:27): 'soon' is not a duration (like 500ms, 30s, 5m, 1h, 14d)", e.getMessage());
  }

  @SuppressWarnings("unchecked")
  static <T> String format(Setting<T> s) {
    return s.format(SettingSamples.other(s));
  }

  static ConfigException rootConfigException(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ConfigException e) {
        return e;
      }
    }
    throw new AssertionError("no ConfigException in " + t, t);
  }
}

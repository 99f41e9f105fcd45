package io.github.failoverresolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Bad configuration fails in build() with the key and the value. */
class FailoverResolverConfigTest {

  static String error(Consumer<FailoverResolver.Builder> config) {
    FailoverResolver.Builder b = FailoverResolver.builder()
        .dns(DnsSettings.builder().provider("p", Upstreams.of("127.0.0.1:1")).build());
    config.accept(b);
    return assertThrows(IllegalArgumentException.class, b::build).getMessage();
  }

  @Test
  void badEndpointsAreNamed() {
    assertEquals("service[pay].tier[0].endpoint[pay.test:99999]: port 99999 is out of range 1..65535",
        error(b -> b.service("pay", s -> s.tier(0, "pay.test:99999"))));
    assertEquals("service[pay].tier[0].endpoint[pay.test]: expected host:port",
        error(b -> b.service("pay", s -> s.tier(0, "pay.test"))));
    assertEquals("service[pay].tier[-1].endpoint[pay.test:443]: tier must be 0 or more",
        error(b -> b.service("pay", s -> s.tier(-1, "pay.test:443"))));
    assertEquals("service[pay].tier[1].endpoint[PAY.test:443]: endpoint configured twice in service 'pay'",
        error(b -> b.service("pay", s -> s.tier(0, "pay.test:443").tier(1, "PAY.test:443"))));
    assertEquals("service[pay]: no endpoints; add one with tier(0, \"host:port\")",
        error(b -> b.service("pay", s -> { })));
  }

  @Test
  void badSrvNamesAreNamed() {
    assertEquals("service[pay].tier[0].endpoint[srv:_https._tcp.-pay.test]: '_https._tcp.-pay.test' is not a valid SRV"
        + " name: each label must be 1 to 63 letters, digits or inner hyphens (optionally after one leading '_')",
        error(b -> b.service("pay", s -> s.tier(0, ServiceBuilder.srv("_https._tcp.-pay.test")))));
    assertEquals("service[pay].tier[0].endpoint[srv:_https._tcp..pay.test]: '_https._tcp..pay.test' is not a valid SRV"
        + " name: not a letter-digit-hyphen name",
        error(b -> b.service("pay", s -> s.tier(0, ServiceBuilder.srv("_https._tcp..pay.test")))));
    assertEquals("service[pay].tier[0].endpoint[srv:]: '' is not a valid SRV name: empty or longer than 253 characters",
        error(b -> b.service("pay", s -> s.tier(0, ServiceBuilder.srv("")))));
    assertEquals("service[pay].tier[1].endpoint[SRV:_https._tcp.pay.test]: endpoint configured twice in service 'pay'",
        error(b -> b.service("pay", s -> s.tier(0, ServiceBuilder.srv("_https._tcp.pay.test"))
            .tier(1, "SRV:_https._tcp.pay.test"))));
  }

  @Test
  void badCheckSettingsAreNamed() {
    assertEquals("service[pay].tier[0].endpoint[pay.test:443].interval=PT0S: must be a positive duration",
        error(b -> b.service("pay", s -> s.tier(0, "pay.test:443", e -> e.interval(Duration.ZERO)))));
    assertEquals("service[pay].tier[0].endpoint[pay.test:443].jitter=2.0: must be within 0..1",
        error(b -> b.service("pay", s -> s.tier(0, "pay.test:443", e -> e.jitter(2)))));
    assertEquals("service[pay].tier[0].endpoint[pay.test:443].healthyThreshold=0: must be at least 1",
        error(b -> b.service("pay", s -> s.tier(0, "pay.test:443", e -> e.healthyThreshold(0)))));
  }

  @Test
  void badPolicyIsNamed() {
    assertEquals("service[pay].minEligible=0: must be at least 1",
        error(b -> b.service("pay", s -> s.tier(0, "pay.test:443").minEligible(0))));
    assertEquals("service[pay].dampingFactor=0.5: must be at least 1",
        error(b -> b.service("pay", s -> s.tier(0, "pay.test:443").dampingFactor(0.5))));
    assertEquals("service[pay].maxFailbackStability=PT10S is less than service[pay].failbackStability=PT30S",
        error(b -> b.service("pay", s -> s.tier(0, "pay.test:443").maxFailbackStability(Duration.ofSeconds(10)))));
    assertEquals("service 'pay' is configured twice",
        error(b -> b.service("pay", s -> s.tier(0, "a.test:1")).service("pay", s -> s.tier(0, "b.test:1"))));
    assertEquals("service name ' pay': must be non-blank, without spaces or '/'",
        error(b -> b.service(" pay", s -> s.tier(0, "a.test:1"))));
  }

  @Test
  void badHealthCheckArgumentsAreNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HealthChecks.http("ready"));
    assertEquals("health check path 'ready' must start with '/'", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> HealthChecks.https("/ready").expectStatus(300, 200));
    assertEquals("health check status range 300..200 is not within 100..599", e.getMessage());
  }
}

package io.github.failoverresolver.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README's Spring Boot sample, driven as it runs: no failed call, and the failover in every view. */
class SpringDemoTest {
  @Test
  void theSampleApplicationFailsOverAndShowsItThroughActuator() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int failed = SpringDemo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(0, failed, out);
    assertTrue(out.contains("sample: EVENT Failover["), out);
    assertTrue(out.contains("-> 200 from backup"), out);
    assertTrue(out.contains("sample: GET /actuator/health -> 200"), out);
    assertTrue(out.contains("\"target\":\"backup.payments.demo:"), out);
    assertTrue(out.contains("failover_failovers_total{service=\"payments\"} 1.0"), out);
  }
}

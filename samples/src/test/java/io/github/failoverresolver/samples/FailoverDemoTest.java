package io.github.failoverresolver.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The README's demo runs to the end with no failed call (it takes about 17 s of real time). */
class FailoverDemoTest {
  @Test
  void demoFailsOverAndBackWithoutAFailedCall() throws Exception {
    assertEquals(0, FailoverDemo.run());
  }
}

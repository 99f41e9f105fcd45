package io.github.failoverresolver.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The gRPC demo runs to the end with no failed call (about 20 s of real time). */
class GrpcDemoTest {
  @Test
  void grpcDemoFailsOverAndBackWithoutAFailedCall() throws Exception {
    assertEquals(0, GrpcDemo.run());
  }
}

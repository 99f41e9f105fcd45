package io.github.failoverresolver.grpc;

import io.github.failoverresolver.HealthCheck;
import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The standard gRPC health protocol ({@code grpc.health.v1.Health/Check}) as a {@link HealthCheck}:
 * healthy when the address answers SERVING for the named service ("" for the whole server). The two tiny
 * messages are encoded here by hand, so the library needs no protobuf runtime. Immutable.
 */
public final class GrpcHealthCheck implements io.github.failoverresolver.internal.health.BoundedCheck {
  private static final MethodDescriptor<String, Integer> CHECK = MethodDescriptor.<String, Integer>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName("grpc.health.v1.Health/Check")
      .setRequestMarshaller(new RequestMarshaller())
      .setResponseMarshaller(new ResponseMarshaller())
      .build();
  private static final String[] STATUS = {"UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"};

  private final String service;
  private final ChannelCredentials credentials;

  private GrpcHealthCheck(String service, ChannelCredentials credentials) {
    this.service = Objects.requireNonNull(service, "service");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
  }

  /** Checks {@code service} over TLS (or whatever {@code credentials} say), as the endpoint's authority. */
  public static GrpcHealthCheck of(String service, ChannelCredentials credentials) {
    return new GrpcHealthCheck(service, credentials);
  }

  /** Checks {@code service} over plaintext. */
  public static GrpcHealthCheck plaintext(String service) {
    return new GrpcHealthCheck(service, InsecureChannelCredentials.create());
  }

  @Override
  public Result check(Context c) {
    ManagedChannel channel = Grpc.newChannelBuilderForAddress(c.address().getAddress().getHostAddress(),
            c.address().getPort(), credentials)
        .overrideAuthority(c.host() + ":" + c.port())
        .build();
    try {
      int status = ClientCalls.blockingUnaryCall(channel, CHECK,
          CallOptions.DEFAULT.withDeadlineAfter(c.timeout().toMillis(), TimeUnit.MILLISECONDS), service);
      String name = status >= 0 && status < STATUS.length ? STATUS[status] : "status " + status;
      return status == 1 ? Result.healthy("grpc health: SERVING")
          : Result.unhealthy("grpc health for '" + service + "': " + name);
    } catch (StatusRuntimeException e) {
      return Result.unhealthy("grpc health call failed: " + e.getStatus().getCode()
          + (e.getStatus().getDescription() == null ? "" : " " + e.getStatus().getDescription()));
    } finally {
      channel.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "grpc-health '" + service + "'";
  }

  /** HealthCheckRequest { string service = 1; } */
  private static final class RequestMarshaller implements MethodDescriptor.Marshaller<String> {
    @Override
    public InputStream stream(String value) {
      byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (utf8.length > 0) {
        out.write(0x0a);
        writeVarint(out, utf8.length);
        out.writeBytes(utf8);
      }
      return new ByteArrayInputStream(out.toByteArray());
    }

    @Override
    public String parse(InputStream stream) {
      throw new UnsupportedOperationException("client side only");
    }
  }

  /** HealthCheckResponse { ServingStatus status = 1; }: returns the status number (0 when absent). */
  private static final class ResponseMarshaller implements MethodDescriptor.Marshaller<Integer> {
    @Override
    public InputStream stream(Integer value) {
      throw new UnsupportedOperationException("client side only");
    }

    @Override
    public Integer parse(InputStream stream) {
      try {
        byte[] b = stream.readAllBytes();
        int i = 0;
        int status = 0;
        while (i < b.length) {
          int key = b[i++] & 0xff;
          int field = key >>> 3;
          int wire = key & 7;
          if (wire == 0) {
            long v = 0;
            int shift = 0;
            while (true) {
              int x = b[i++] & 0xff;
              v |= (long) (x & 0x7f) << shift;
              shift += 7;
              if ((x & 0x80) == 0) {
                break;
              }
            }
            if (field == 1) {
              status = (int) v;
            }
          } else if (wire == 2) {
            int len = 0;
            int shift = 0;
            while (true) {
              int x = b[i++] & 0xff;
              len |= (x & 0x7f) << shift;
              shift += 7;
              if ((x & 0x80) == 0) {
                break;
              }
            }
            i += len;
          } else {
            break; // a field type health responses do not have
          }
        }
        return status;
      } catch (IOException | ArrayIndexOutOfBoundsException e) {
        throw new IllegalArgumentException("malformed HealthCheckResponse", e);
      }
    }
  }

  private static void writeVarint(ByteArrayOutputStream out, int value) {
    while ((value & ~0x7f) != 0) {
      out.write((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    out.write(value);
  }
}

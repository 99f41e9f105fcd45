package io.github.failoverresolver;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Obtains a session credential from the endpoint it serves (by logging in to it, or exchanging a token with
 * it), for {@link EndpointBuilder#sessionLogin}. Called on the caller's thread of the first request that
 * needs it (concurrent requests wait for that one call), again after each cutover of the service onto this
 * endpoint and when the credential expires. Return {@link CredentialSource.Result#missing} (never a secret in
 * the reason) or throw to fail the requests waiting for it.
 */
@FunctionalInterface
public interface SessionLogin {
  CredentialSource.Result login(Endpoint endpoint) throws Exception;

  /** The endpoint to log in to, and the address its traffic goes to now. */
  record Endpoint(String service, String endpoint, String host, int port, InetSocketAddress address) {
    public Endpoint {
      Objects.requireNonNull(service, "service");
      Objects.requireNonNull(endpoint, "endpoint");
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(address, "address");
    }
  }
}

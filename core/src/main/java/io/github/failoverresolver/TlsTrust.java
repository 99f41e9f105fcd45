package io.github.failoverresolver;

import java.security.KeyStore;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How an endpoint's TLS certificates are judged: the trust store to validate the chain against (default:
 * the JVM's), hostname verification against the endpoint's name (RFC 6125), and an expiry horizon: a leaf
 * expiring within {@code warnWithin} raises an event, within {@code blockWithin} makes the address
 * ineligible. An optional client key store (mTLS) has its certificate's expiry judged the same way.
 * Immutable.
 *
 * <p>Defaults: warn within 14 days (certificates are usually renewed 30 days ahead, so 14 days left means
 * renewal failed), block within 1 day.
 */
public final class TlsTrust {
  private final Optional<KeyStore> trustStore;
  private final Duration warnWithin;
  private final Duration blockWithin;
  private final Optional<KeyStore> clientKeyStore;

  private TlsTrust(Optional<KeyStore> trustStore, Duration warnWithin, Duration blockWithin,
      Optional<KeyStore> clientKeyStore) {
    this.trustStore = trustStore;
    this.warnWithin = warnWithin;
    this.blockWithin = blockWithin;
    this.clientKeyStore = clientKeyStore;
  }

  /** Chains are validated against the JVM's default trust store. */
  public static TlsTrust jvmDefault() {
    return new TlsTrust(Optional.empty(), Setting.TLS_WARN_WITHIN.defaultValue(), Setting.TLS_BLOCK_WITHIN.defaultValue(),
        Optional.empty());
  }

  /** Chains are validated against exactly these trust anchors. */
  public static TlsTrust trusting(KeyStore trustStore) {
    return new TlsTrust(Optional.of(Objects.requireNonNull(trustStore, "trustStore")),
        Setting.TLS_WARN_WITHIN.defaultValue(), Setting.TLS_BLOCK_WITHIN.defaultValue(), Optional.empty());
  }

  public TlsTrust warnWithin(Duration d) {
    return new TlsTrust(trustStore, d, blockWithin, clientKeyStore);
  }

  public TlsTrust blockWithin(Duration d) {
    return new TlsTrust(trustStore, warnWithin, d, clientKeyStore);
  }

  /** The key store holding this client's certificate for mTLS (its expiry is checked too). */
  public TlsTrust clientKeyStore(KeyStore keyStore) {
    return new TlsTrust(trustStore, warnWithin, blockWithin, Optional.of(Objects.requireNonNull(keyStore)));
  }

  public Optional<KeyStore> trustStore() {
    return trustStore;
  }

  public Duration warnWithin() {
    return warnWithin;
  }

  public Duration blockWithin() {
    return blockWithin;
  }

  public Optional<KeyStore> clientKeyStore() {
    return clientKeyStore;
  }

  @Override
  public String toString() {
    return "tls(trust=" + (trustStore.isPresent() ? "custom" : "jvm") + ", warn " + warnWithin + ", block "
        + blockWithin + (clientKeyStore.isPresent() ? ", mTLS" : "") + ")";
  }
}

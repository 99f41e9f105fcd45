package io.github.failoverresolver.internal.trust;

import io.github.failoverresolver.internal.Sanitize;
import io.github.failoverresolver.ResolverSnapshot.TrustStatus;
import io.github.failoverresolver.TlsTrust;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Fetches the certificate chain an address presents for a host name (SNI) and judges it at a given time:
 * validity dates, the chain against the trust anchors (PKIX, at that time), the name (RFC 6125), and the
 * expiry horizon. The handshake accepts any chain only to look at it; nothing is sent over it. Stateless.
 */
public final class TlsInspector {

  /** A verdict with what the report needs to know about the certificate. */
  public record CertVerdict(Verdict verdict, Optional<String> issuer, Optional<String> leafSha256,
      Optional<Instant> notAfter) {}

  private TlsInspector() {}

  public static CertVerdict inspect(InetSocketAddress address, String host, int port, Duration timeout,
      TlsTrust trust, Instant now) {
    List<X509Certificate> chain;
    try {
      chain = fetchChain(address, host, port, timeout);
    } catch (IOException | GeneralSecurityException e) {
      return new CertVerdict(Verdict.unknown("could not fetch the certificate: " + e.getMessage()), Optional.empty(),
          Optional.empty(), Optional.empty());
    }
    X509Certificate leaf = chain.get(0);
    // certificate names are outside text: sanitised before they reach reasons and reports
    Optional<String> issuer = Optional.of(Sanitize.text(
        leaf.getIssuerX500Principal().getName()));
    Optional<String> fingerprint = Optional.of(sha256(leaf));
    Instant notAfter = leaf.getNotAfter().toInstant();
    Optional<Instant> expiry = Optional.of(notAfter);
    Verdict v = judge(chain, host, trust, now);
    return new CertVerdict(v, issuer, fingerprint, expiry);
  }

  static Verdict judge(List<X509Certificate> chain, String host, TlsTrust trust, Instant now) {
    X509Certificate leaf = chain.get(0);
    Instant notBefore = leaf.getNotBefore().toInstant();
    Instant notAfter = leaf.getNotAfter().toInstant();
    if (now.isBefore(notBefore)) {
      return new Verdict(TrustStatus.BLOCKED, "certificate not valid before " + notBefore, Optional.of(notAfter));
    }
    if (!now.isBefore(notAfter)) {
      return new Verdict(TrustStatus.BLOCKED, "certificate expired at " + notAfter, Optional.of(notAfter));
    }
    try {
      validatePath(chain, anchors(trust), now);
    } catch (GeneralSecurityException e) {
      return new Verdict(TrustStatus.BLOCKED, "untrusted issuer "
          + Sanitize.text(leaf.getIssuerX500Principal().getName())
          + ": " + e.getMessage(), Optional.of(notAfter));
    }
    if (!HostnameVerifier.matches(leaf, host)) {
      return new Verdict(TrustStatus.BLOCKED, "certificate is for "
          + Sanitize.text(String.valueOf(HostnameVerifier.names(leaf))) + ", not "
          + host, Optional.of(notAfter));
    }
    Verdict server = Verdict.byExpiry("certificate", notAfter, now, trust.warnWithin(), trust.blockWithin(),
        "certificate valid until " + notAfter + ", issued by "
            + Sanitize.text(leaf.getIssuerX500Principal().getName()));
    if (server.status() == TrustStatus.BLOCKED || trust.clientKeyStore().isEmpty()) {
      return server;
    }
    Optional<X509Certificate> client = clientCertificate(trust.clientKeyStore().get());
    if (client.isEmpty()) {
      return Verdict.blocked("the client key store holds no certificate");
    }
    Verdict clientVerdict = Verdict.byExpiry("client certificate", client.get().getNotAfter().toInstant(), now,
        trust.warnWithin(), trust.blockWithin(), "client certificate valid");
    if (clientVerdict.status().ordinal() > server.status().ordinal()) {
      return clientVerdict;
    }
    return server;
  }

  private static List<X509Certificate> fetchChain(InetSocketAddress address, String host, int port, Duration timeout)
      throws IOException, GeneralSecurityException {
    List<X509Certificate> seen = new ArrayList<>();
    X509TrustManager capture = new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {
        throw new UnsupportedOperationException();
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {
        seen.addAll(List.of(chain)); // judged afterwards, at the resolver's time
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {capture}, null);
    int ms = (int) Math.max(1, timeout.toMillis());
    try (Socket raw = new Socket()) {
      raw.connect(address, ms);
      raw.setSoTimeout(ms);
      try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(raw, host, port, false)) {
        SSLParameters p = s.getSSLParameters();
        if (io.github.failoverresolver.internal.dns.ServerSpecs.ipLiteral(host).isEmpty()) {
          p.setServerNames(List.of(new SNIHostName(host)));
        }
        s.setSSLParameters(p);
        s.startHandshake();
      }
    }
    if (seen.isEmpty()) {
      throw new IOException("the server presented no certificate");
    }
    return seen;
  }

  private static Set<TrustAnchor> anchors(TlsTrust trust) throws GeneralSecurityException {
    Set<TrustAnchor> anchors = new HashSet<>();
    if (trust.trustStore().isPresent()) {
      KeyStore ks = trust.trustStore().get();
      Enumeration<String> aliases = ks.aliases();
      while (aliases.hasMoreElements()) {
        Certificate c = ks.getCertificate(aliases.nextElement());
        if (c instanceof X509Certificate x) {
          anchors.add(new TrustAnchor(x, null));
        }
      }
    } else {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init((KeyStore) null);
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          for (X509Certificate c : x.getAcceptedIssuers()) {
            anchors.add(new TrustAnchor(c, null));
          }
        }
      }
    }
    if (anchors.isEmpty()) {
      throw new GeneralSecurityException("the trust store holds no certificate");
    }
    return anchors;
  }

  private static void validatePath(List<X509Certificate> chain, Set<TrustAnchor> anchors, Instant at)
      throws GeneralSecurityException {
    List<X509Certificate> path = new ArrayList<>(chain);
    // a presented root that is itself an anchor is not part of the path to validate
    if (path.size() > 1) {
      X509Certificate last = path.get(path.size() - 1);
      if (anchors.stream().anyMatch(a -> last.equals(a.getTrustedCert()))) {
        path.remove(path.size() - 1);
      }
    }
    CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
    PKIXParameters params = new PKIXParameters(anchors);
    params.setRevocationEnabled(false); // no network here; revocation is the CA's and the server's business
    params.setDate(Date.from(at));
    try {
      CertPathValidator.getInstance("PKIX").validate(certPath, params);
    } catch (CertPathValidatorException e) {
      throw new GeneralSecurityException(e.getReason() + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"), e);
    }
  }

  private static Optional<X509Certificate> clientCertificate(KeyStore ks) {
    try {
      Enumeration<String> aliases = ks.aliases();
      while (aliases.hasMoreElements()) {
        String alias = aliases.nextElement();
        if (ks.isKeyEntry(alias) && ks.getCertificate(alias) instanceof X509Certificate x) {
          return Optional.of(x);
        }
      }
    } catch (GeneralSecurityException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  static String sha256(X509Certificate cert) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}

package io.github.failoverresolver.testing;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made in the test: a CA, and leaves it issues for given host names and validity windows
 * (expired, not yet valid, expiring soon, wrong name). Immutable values; thread-safe.
 */
public final class TestCertificates {
  private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

  private TestCertificates() {}

  /** A certificate with its private key and the chain up to (not including) the root. */
  public record Issued(X509Certificate certificate, PrivateKey key, List<X509Certificate> chain) {
    /** Key managers presenting this certificate (gRPC's TlsServerCredentials takes these). */
    public javax.net.ssl.KeyManager[] keyManagers() {
      try {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        X509Certificate[] full = new X509Certificate[chain.size() + 1];
        full[0] = certificate;
        for (int i = 0; i < chain.size(); i++) {
          full[i + 1] = chain.get(i);
        }
        ks.setKeyEntry("key", key, new char[0], full);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        return kmf.getKeyManagers();
      } catch (GeneralSecurityException | java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    }

    /** A server TLS context presenting this certificate. */
    public SSLContext serverContext() {
      try {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(keyManagers(), null, null);
        return ctx;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** A certificate authority that issues leaves. */
  public record Authority(X509Certificate certificate, PrivateKey key, String name) {
    public Issued issue(String host, Instant notBefore, Instant notAfter) {
      return TestCertificates.leaf(this, host, notBefore, notAfter);
    }

    /** A leaf for {@code host} valid from an hour ago for {@code validFor}. */
    public Issued issue(String host, Duration validFor) {
      Instant now = Instant.now();
      return issue(host, now.minus(Duration.ofHours(1)), now.plus(validFor));
    }

    /** A client TLS context trusting only this authority. */
    public SSLContext clientContext() {
      return trusting(List.of(certificate));
    }

    /** A trust manager trusting only this authority (OkHttp's sslSocketFactory wants one). */
    public javax.net.ssl.X509TrustManager trustManager() {
      try {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trustStore());
        return (javax.net.ssl.X509TrustManager) tmf.getTrustManagers()[0];
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    public KeyStore trustStore() {
      return TestCertificates.trustStore(List.of(certificate));
    }
  }

  public static Authority authority(String name) {
    try {
      KeyPair kp = keyPair();
      X500Name subject = new X500Name("CN=" + name);
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(SERIAL.incrementAndGet()),
          Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(3650))), subject, kp.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      X509Certificate cert = new JcaX509CertificateConverter()
          .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
      return new Authority(cert, kp.getPrivate(), name);
    } catch (Exception e) {
      throw new IllegalStateException("cannot make a test CA", e);
    }
  }

  static Issued leaf(Authority ca, String host, Instant notBefore, Instant notAfter) {
    try {
      KeyPair kp = keyPair();
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=" + ca.name()),
          BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter),
          new X500Name("CN=" + host), kp.getPublic());
      GeneralName san = host.matches("[0-9.]+") || host.contains(":")
          ? new GeneralName(GeneralName.iPAddress, host)
          : new GeneralName(GeneralName.dNSName, host);
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(san));
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
      X509Certificate cert = new JcaX509CertificateConverter()
          .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.key())));
      return new Issued(cert, kp.getPrivate(), List.of(ca.certificate()));
    } catch (Exception e) {
      throw new IllegalStateException("cannot issue a test certificate for " + host, e);
    }
  }

  /** A client TLS context trusting exactly {@code roots}. */
  public static SSLContext trusting(List<X509Certificate> roots) {
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trustStore(roots));
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static KeyStore trustStore(List<X509Certificate> roots) {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      for (int i = 0; i < roots.size(); i++) {
        ks.setCertificateEntry("root-" + i, roots.get(i));
      }
      return ks;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
    kpg.initialize(256);
    return kpg.generateKeyPair();
  }
}

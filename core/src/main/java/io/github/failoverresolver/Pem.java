package io.github.failoverresolver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** PEM CA files of a configuration file's {@code trust} key; errors name the file, line and key ({@code at}). */
final class Pem {
  private Pem() {}

  static KeyStore trustStore(String at, Path path) {
    try (InputStream file = Files.newInputStream(path)) {
      byte[] pem = file.readNBytes(ResolverConfig.MAX_FILE_BYTES + 1); // bounded: /dev/zero is not read forever
      if (pem.length > ResolverConfig.MAX_FILE_BYTES) {
        throw new ConfigException(at + ": " + path + " is larger than " + ResolverConfig.MAX_FILE_BYTES / 1024
            + " KiB; not a PEM file?");
      }
      InputStream in = new java.io.ByteArrayInputStream(pem);
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        ks.setCertificateEntry("ca-" + i++, c);
      }
      if (i == 0) {
        throw new ConfigException(at + ": " + path + " holds no PEM certificate");
      }
      return ks;
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new ConfigException(at + ": cannot read certificates from " + path + ": " + e.getMessage(), e);
    }
  }

  static SSLContext context(String at, KeyStore trust) {
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (java.security.GeneralSecurityException e) {
      throw new ConfigException(at + ": " + e.getMessage(), e);
    }
  }

}

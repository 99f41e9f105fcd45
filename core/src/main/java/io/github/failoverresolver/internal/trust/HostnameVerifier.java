package io.github.failoverresolver.internal.trust;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * RFC 6125 / RFC 2818 server identity: a DNS name matches a subjectAltName dNSName (a wildcard only as
 * the whole left-most label, matching exactly one label); an IP literal matches an iPAddress entry. The
 * subject CN is not consulted (browsers and the CA/B Forum dropped it). Stateless.
 */
public final class HostnameVerifier {
  private static final int DNS_NAME = 2;
  private static final int IP_ADDRESS = 7;

  private HostnameVerifier() {}

  /** The names the certificate is for, as text. */
  public static List<String> names(X509Certificate cert) {
    List<String> out = new ArrayList<>();
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          int type = (Integer) san.get(0);
          if (type == DNS_NAME || type == IP_ADDRESS) {
            out.add(String.valueOf(san.get(1)));
          }
        }
      }
    } catch (CertificateParsingException e) {
      // no usable names
    }
    return out;
  }

  public static boolean matches(X509Certificate cert, String host) {
    String wanted = host.toLowerCase(Locale.ROOT);
    if (wanted.endsWith(".")) {
      wanted = wanted.substring(0, wanted.length() - 1);
    }
    Optional<java.net.InetAddress> ip = io.github.failoverresolver.internal.dns.ServerSpecs.ipLiteral(wanted);
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans == null) {
        return false;
      }
      for (List<?> san : sans) {
        int type = (Integer) san.get(0);
        String value = String.valueOf(san.get(1)).toLowerCase(Locale.ROOT);
        if (ip.isPresent() && type == IP_ADDRESS) {
          Optional<java.net.InetAddress> other = io.github.failoverresolver.internal.dns.ServerSpecs.ipLiteral(value);
          if (other.isPresent() && other.get().equals(ip.get())) {
            return true;
          }
        } else if (ip.isEmpty() && type == DNS_NAME && dnsMatch(value, wanted)) {
          return true;
        }
      }
      return false;
    } catch (CertificateParsingException e) {
      return false;
    }
  }

  static boolean dnsMatch(String pattern, String host) {
    if (pattern.endsWith(".")) {
      pattern = pattern.substring(0, pattern.length() - 1);
    }
    if (!pattern.startsWith("*.")) {
      return pattern.equals(host);
    }
    String suffix = pattern.substring(1); // ".example.com"
    if (suffix.indexOf('*') >= 0 || suffix.chars().filter(c -> c == '.').count() < 2) {
      return false; // "*.com" and multiple wildcards are never valid
    }
    if (!host.endsWith(suffix)) {
      return false;
    }
    String label = host.substring(0, host.length() - suffix.length());
    return !label.isEmpty() && label.indexOf('.') < 0;
  }
}

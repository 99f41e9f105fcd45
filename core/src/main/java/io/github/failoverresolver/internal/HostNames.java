package io.github.failoverresolver.internal;

import java.util.Locale;

/**
 * Host names as DNS will be asked for them: IDN names in their ASCII form, lower case, no trailing dot,
 * letter-digit-hyphen labels of 1 to 63 characters not starting or ending with a hyphen, and not all digits
 * (an IPv4 literal that is not one, such as 256.1.1.1). SRV owner names may also have labels that start with
 * one underscore ({@code _https._tcp.example.com}, RFC 2782). Stateless.
 */
public final class HostNames {
  private HostNames() {}

  /**
   * {@code given} as DNS will be asked for it.
   *
   * @param underscores whether labels may start with '_' (SRV owner names)
   * @throws IllegalArgumentException with the reason (without the name), when it is not a valid name
   */
  public static String normalize(String given, boolean underscores) {
    String ascii;
    try {
      ascii = java.net.IDN.toASCII(given, underscores ? java.net.IDN.ALLOW_UNASSIGNED : java.net.IDN.USE_STD3_ASCII_RULES)
          .toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a letter-digit-hyphen name");
    }
    String host = ascii.endsWith(".") ? ascii.substring(0, ascii.length() - 1) : ascii;
    if (host.isEmpty() || host.length() > 253) {
      throw new IllegalArgumentException("empty or longer than 253 characters");
    }
    boolean allNumeric = true;
    for (String label : host.split("\\.", -1)) {
      String rest = underscores && label.startsWith("_") ? label.substring(1) : label;
      if (rest.isEmpty() || label.length() > 63 || rest.startsWith("-") || rest.endsWith("-")
          || !rest.chars().allMatch(c -> c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
        throw new IllegalArgumentException("each label must be 1 to 63 letters, digits or inner hyphens"
            + (underscores ? " (optionally after one leading '_')" : ""));
      }
      allNumeric &= label.chars().allMatch(Character::isDigit);
    }
    if (allNumeric) {
      throw new IllegalArgumentException("all numeric, but not an IP address");
    }
    return host;
  }
}

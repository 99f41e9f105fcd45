package io.github.failoverresolver.internal;

/**
 * The one sanitiser for text from outside (DNS extended-error text, HTTP status lines, certificate names)
 * before it reaches a message, an event or a report: control characters (C0, DEL, C1) and Unicode
 * direction overrides are shown as {@code \\uXXXX}, so a forged newline cannot start a report line of its
 * own and an escape sequence cannot recolour a terminal; and the text is cut at a bound. Stateless.
 */
public final class Sanitize {
  /** Longest outside text kept in one message. */
  public static final int MAX = 200;

  private Sanitize() {}

  private static boolean clean(String s) {
    if (s.length() > MAX) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c >= 0x7f && c <= 0x9f || c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069) {
        return false;
      }
    }
    return true;
  }

  public static String text(String outside) {
    if (outside == null) {
      return "";
    }
    if (clean(outside)) {
      return outside; // the common case: nothing to escape, nothing to cut, nothing allocated
    }
    StringBuilder sb = new StringBuilder(Math.min(outside.length(), MAX) + 16);
    for (int i = 0; i < outside.length() && sb.length() < MAX; i++) {
      char c = outside.charAt(i);
      boolean control = c < 0x20 || c >= 0x7f && c <= 0x9f || c >= 0x202a && c <= 0x202e
          || c >= 0x2066 && c <= 0x2069;
      if (control) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    if (sb.length() >= MAX && outside.length() > MAX) {
      sb.append("...");
    }
    return sb.toString();
  }
}

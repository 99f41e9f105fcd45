package io.github.failoverresolver.internal.dns;

import io.github.failoverresolver.RecordType;
import org.xbill.DNS.Name;

/** A cache key: (name, type), with the name's text made once (it was made anew three times per query). */
final class CacheKey {
  private final Name name;
  private final RecordType type;
  private String text;

  CacheKey(Name name, RecordType type) {
    this.name = name;
    this.type = type;
  }

  Name name() {
    return name;
  }

  RecordType type() {
    return type;
  }

  /** The name as text, absolute (with its final dot); made once (a race makes it twice, equal). */
  String text() {
    String t = text;
    if (t == null) {
      t = name.toString();
      text = t;
    }
    return t;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CacheKey k && k.type == type && k.name.equals(name);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + type.hashCode();
  }

  @Override
  public String toString() {
    return text() + " " + type;
  }
}
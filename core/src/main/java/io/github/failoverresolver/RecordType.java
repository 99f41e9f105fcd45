package io.github.failoverresolver;

/** The DNS record types the resolver asks for. CNAME chains are followed for each of them. */
public enum RecordType {
  A(1),
  AAAA(28),
  SRV(33),
  /** The name servers of a zone: the independence report compares them between tiers. */
  NS(2);

  private final int code;

  RecordType(int code) {
    this.code = code;
  }

  /** The numeric type code on the wire (RFC 1035, 3596, 2782). */
  public int code() {
    return code;
  }
}

package io.github.failoverresolver.internal.health;

/**
 * Outlier ejection of one address from passive outcomes: consecutive failures (or connect failures) eject
 * it; the n-th ejection lasts n times the base, up to the maximum; a long good spell restarts the growth.
 * Immutable; pure.
 *
 * @param until when the current ejection ends (epoch millis; in the past: not ejected)
 * @param lastEnd when the last ejection ended (or will)
 * @param byAnswers the current (or last) ejection came from error answers, not from failed connects: a
 *     passing active check cannot vouch for those (it does not call the API), so it does not end it early
 * @param byRate the current (or last) ejection came from outlier detection by rate ({@link RateOutliers})
 */
public record Ejection(int failures, int connectFailures, long until, int ejections, long lastEnd, boolean byAnswers,
    boolean byRate) {

  public static final Ejection NONE = new Ejection(0, 0, 0, 0, Long.MIN_VALUE / 2, false, false);

  /** The rule's settings. */
  public record Rule(int afterFailures, int afterConnectFailures, long baseMs, long maxMs) {}

  public boolean ejected(long now) {
    return now < until;
  }

  public Ejection onSuccess() {
    return failures == 0 && connectFailures == 0 ? this
        : new Ejection(0, 0, until, ejections, lastEnd, byAnswers, byRate);
  }

  /** The state after a failure; {@link #ejected} at {@code now} tells whether it ejected (or still is). */
  public Ejection onFailure(boolean connect, long now, Rule rule) {
    int f = failures + 1;
    int c = connectFailures + (connect ? 1 : 0);
    boolean eject = f >= rule.afterFailures() || c >= rule.afterConnectFailures();
    if (!eject || ejected(now)) {
      return new Ejection(f, c, until, ejections, lastEnd, byAnswers, byRate);
    }
    return ejectedAt(now, rule, c < rule.afterConnectFailures(), false);
  }

  /** Ejected by rate ({@link RateOutliers}): for error answers, with the same growing length. */
  public Ejection byRate(long now, Rule rule) {
    return ejectedAt(now, rule, true, true);
  }

  /** The n-th ejection lasts n times the base, up to the maximum; well-behaved for a while, growth restarts. */
  private Ejection ejectedAt(long now, Rule rule, boolean answers, boolean rate) {
    int n = now - lastEnd > rule.maxMs() ? 1 : ejections + 1;
    long length = Math.min(rule.baseMs() * n, rule.maxMs());
    return new Ejection(0, 0, now + length, n, now + length, answers, rate);
  }

  /**
   * A passing active check ends an ejection for failed connects early (as Envoy does by default); one for
   * error answers runs its course ({@link #byAnswers}).
   */
  public Ejection endedEarly(long now) {
    if (byAnswers) {
      return this;
    }
    return new Ejection(failures, connectFailures, 0, ejections, now, false, false);
  }

  /** The length of the current ejection, for the event. */
  public long lengthFrom(long now) {
    return until - now;
  }
}

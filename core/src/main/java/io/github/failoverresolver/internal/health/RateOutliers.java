package io.github.failoverresolver.internal.health;

import java.util.List;
import java.util.Optional;

/**
 * Outlier detection by rate, beside the consecutive-failure rule ({@link Ejection}), as Envoy and grpc-java
 * do it. Pure: a function of counts.
 * <ul>
 *   <li><b>failure percentage</b>: an address with at least {@code failurePercentageMinRequests} outcomes in the
 *       window, of which at least {@code failurePercentageThreshold} % failed;</li>
 *   <li><b>success rate</b>: when at least {@code successRateMinHosts} addresses of the endpoint each have
 *       {@code successRateMinRequests} outcomes, an address whose success rate is below the mean minus
 *       {@code successRateStdevFactor} standard deviations of theirs;</li>
 *   <li>at most {@code maxEjectionPercent} of the tier's addresses ejected by rate at once, but always one may
 *       be (as Envoy and grpc-java allow).</li>
 * </ul>
 */
public final class RateOutliers {
  private RateOutliers() {}

  /** Outcomes of one address over the window. */
  public record Counts(long successes, long failures) {
    public long total() {
      return successes + failures;
    }
  }

  /** The settings; sources in the settings table. */
  public record Rule(int failurePercentageThreshold, int failurePercentageMinRequests, double successRateStdevFactor,
      int successRateMinHosts, int successRateMinRequests, int maxEjectionPercent) {}

  /**
   * Why {@code siblings.get(index)} is an outlier now, if it is and the cap allows it.
   *
   * @param siblings the outcome counts of every address of the endpoint (the one judged included)
   * @param ejectedByRateInTier addresses of the tier ejected by rate now
   * @param tierSize addresses of the tier
   */
  public static Optional<String> outlier(List<Counts> siblings, int index, Rule rule, int ejectedByRateInTier,
      int tierSize) {
    if (!capAllows(ejectedByRateInTier, tierSize, rule.maxEjectionPercent())) {
      return Optional.empty();
    }
    Counts c = siblings.get(index);
    if (c.total() >= rule.failurePercentageMinRequests() && c.total() > 0
        && c.failures() * 100 >= (long) rule.failurePercentageThreshold() * c.total()) {
      return Optional.of("failure percentage " + c.failures() * 100 / c.total() + " % of " + c.total()
          + " requests is at least " + rule.failurePercentageThreshold() + " %");
    }
    if (c.total() < rule.successRateMinRequests()) {
      return Optional.empty();
    }
    int hosts = 0;
    double sum = 0;
    double sumSquares = 0;
    for (Counts s : siblings) {
      if (s.total() >= rule.successRateMinRequests()) {
        double rate = (double) s.successes() / s.total();
        hosts++;
        sum += rate;
        sumSquares += rate * rate;
      }
    }
    if (hosts < rule.successRateMinHosts()) {
      return Optional.empty(); // too few comparable addresses: no relative judgement (documented)
    }
    double mean = sum / hosts;
    double stdev = Math.sqrt(Math.max(0, sumSquares / hosts - mean * mean));
    double rate = (double) c.successes() / c.total();
    double threshold = mean - rule.successRateStdevFactor() * stdev;
    if (rate < threshold) {
      return Optional.of(String.format(java.util.Locale.ROOT,
          "success rate %.1f %% is below %.1f %% (mean %.1f %% of %d addresses minus %.1f standard deviations)",
          rate * 100, threshold * 100, mean * 100, hosts, rule.successRateStdevFactor()));
    }
    return Optional.empty();
  }

  /** Another ejection by rate is allowed while fewer than the share are ejected by it (always the first). */
  public static boolean capAllows(int ejectedByRate, int tierSize, int maxEjectionPercent) {
    return ejectedByRate == 0 || (long) ejectedByRate * 100 < (long) maxEjectionPercent * tierSize;
  }

  /** The most addresses of a tier of {@code tierSize} that may be ejected by rate at once. */
  public static int cap(int tierSize, int maxEjectionPercent) {
    int n = 0;
    while (n < tierSize && capAllows(n, tierSize, maxEjectionPercent)) {
      n++;
    }
    return n;
  }
}

package lab.viz;

import java.util.Objects;

/**
 * One line of a run's summary table: a metric's mean under one condition with its confidence
 * interval, all computed elsewhere. NaN bounds mean "no interval" (e.g. a single seed) and print
 * as "n/a".
 *
 * @param condition e.g. "clean", "ablate L3H7"
 * @param metric    e.g. "logit diff"
 */
public record SummaryRow(String condition, String metric, double mean, double ciLow, double ciHigh) {

    public SummaryRow {
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(metric, "metric");
        if (!Double.isNaN(ciLow) && !Double.isNaN(ciHigh) && ciLow > ciHigh) {
            throw new IllegalArgumentException("CI low " + ciLow + " is above CI high " + ciHigh);
        }
    }

    /** A row without an interval. */
    public static SummaryRow withoutInterval(String condition, String metric, double mean) {
        return new SummaryRow(condition, metric, mean, Double.NaN, Double.NaN);
    }
}

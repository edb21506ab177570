package lab.harness.results;

import java.util.Map;

/**
 * The across-seed statistics of one metric under one condition. See {@link SeedLevelSummarizer}
 * for the exact definitions.
 *
 * @param condition  condition column name to value (insertion-ordered; null for a missing value)
 * @param metric     the metric or baseline column
 * @param mean       mean over seeds of the per-seed mean over examples
 * @param std        sample standard deviation (n-1) of the per-seed means; NaN when nSeeds < 2
 * @param nSeeds     seeds that had at least one non-NaN value: the n of the interval
 * @param nExamples  non-NaN (example, seed) values that went into the per-seed means
 * @param ciLow      lower end of the t interval; NaN when nSeeds < 2
 * @param ciHigh     upper end of the t interval; NaN when nSeeds < 2
 */
public record SummaryRow(
        Map<String, Object> condition,
        String metric,
        double mean,
        double std,
        int nSeeds,
        long nExamples,
        double ciLow,
        double ciHigh) {

    public SummaryRow {
        condition = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(condition));
    }
}

package lab.viz;

import java.util.List;
import java.util.Objects;

/**
 * The report's ranking: the conditions with the largest effects, best first, each with its
 * confidence interval and the means of the run's metrics beside it. Plain data; the harness ranks.
 *
 * @param effectLabel   what the effect is, e.g. "logit_diff change"
 * @param metricColumns the metrics whose means each row shows beside the effect
 * @param rows          the top conditions, largest |effect| first
 * @param conditions    how many conditions were ranked (the table shows the first rows of them)
 */
public record EffectTable(String effectLabel, List<String> metricColumns, List<EffectTable.Row> rows, int conditions) {

    public EffectTable {
        Objects.requireNonNull(effectLabel, "effectLabel");
        metricColumns = List.copyOf(metricColumns);
        rows = List.copyOf(rows);
        for (Row row : rows) {
            if (row.metricMeans().size() != metricColumns.size()) {
                throw new IllegalArgumentException("row " + row.condition() + " has " + row.metricMeans().size()
                        + " metric means for " + metricColumns.size() + " columns");
            }
        }
    }

    /** No ranking (a report built without one). */
    public static EffectTable none() {
        return new EffectTable("", List.of(), List.of(), 0);
    }

    /**
     * @param ciLow NaN with ciHigh when there is no interval (e.g. one seed)
     * @param metricMeans one per {@link EffectTable#metricColumns()}, NaN where missing
     */
    public record Row(String condition, double effect, double ciLow, double ciHigh, List<Double> metricMeans) {

        public Row {
            Objects.requireNonNull(condition, "condition");
            metricMeans = List.copyOf(metricMeans);
        }
    }
}

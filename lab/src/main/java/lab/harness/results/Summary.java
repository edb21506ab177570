package lab.harness.results;

import java.util.List;

/**
 * A run's summary: one {@link SummaryRow} per condition x metric, sorted by condition values
 * (nulls first, then natural order, column by column) and, within a condition, in the schema's
 * metric order.
 *
 * @param conditionColumns the grouping key columns, in order
 * @param metrics          the summarised columns, in order
 * @param confidenceLevel  e.g. 0.95
 * @param rows             the statistics
 * @param notes            human-readable caveats (e.g. "only one seed: no confidence intervals")
 */
public record Summary(
        List<String> conditionColumns,
        List<String> metrics,
        double confidenceLevel,
        List<SummaryRow> rows,
        List<String> notes) {

    public Summary {
        conditionColumns = List.copyOf(conditionColumns);
        metrics = List.copyOf(metrics);
        rows = List.copyOf(rows);
        notes = List.copyOf(notes);
    }
}

package lab.harness.results;

/**
 * What a column means to the analysis, independent of its type. The summary groups by
 * {@link #CONDITION} columns, averages {@link #METRIC} columns, and treats {@link #IDENTITY}
 * columns as the unit bookkeeping (which example, which seed).
 */
public enum ColumnRole {
    /** example_id, seed, group: who produced the row. Never null. */
    IDENTITY,
    /** The intervention applied (layer, head, scale, position, direction ...); the summary key. */
    CONDITION,
    /** A measured outcome; summarised with mean, std and confidence interval. */
    METRIC,
    /** A reference value measured without the intervention; kept, summarised like a metric. */
    BASELINE,
    /** Anything else worth keeping per row (e.g. the predicted token); not summarised. */
    EXTRA
}

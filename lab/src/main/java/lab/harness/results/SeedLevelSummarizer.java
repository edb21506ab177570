package lab.harness.results;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.harness.stats.MeanConfidenceInterval;
import tech.tablesaw.aggregate.AggregateFunction;
import tech.tablesaw.aggregate.AggregateFunctions;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.table.TableSlice;

/**
 * Summarises a results table per condition and metric, treating SEEDS as the independent
 * replicates.
 *
 * <p>Exact definition, for one condition c (a combination of the key columns' values, by default
 * the schema's CONDITION columns) and one metric m:
 * <ol>
 *   <li>For each seed s: x_s = mean of m over the rows with condition c and seed s, skipping rows
 *       whose m is NaN or null (examples where the metric is undefined). A seed with no
 *       remaining value has no x_s.</li>
 *   <li>n = the number of seeds with an x_s ({@code n_seeds}); mean = (1/n) sum_s x_s;
 *       std = sqrt(sum_s (x_s - mean)^2 / (n - 1));
 *       CI = mean -/+ t_{(1+level)/2, n-1} * std / sqrt(n) (Student t, n-1 degrees of freedom).</li>
 *   <li>{@code n_examples} = the number of non-NaN (example, seed) values used in step 1.</li>
 * </ol>
 * With a single seed there is no between-seed spread, so std and the CI are NaN (null in JSON,
 * empty in CSV) and the summary carries a note saying so. Why seeds and not examples: examples
 * within a seed share the seed's random choices (sampled prompts, initialisation, ablation
 * draws), so they are not independent; treating them as n would make intervals far too narrow.
 * The interval is therefore about seed-to-seed variability of the example-averaged metric.
 *
 * <p>Tablesaw does the grouping: one {@code summarize(...).by(keys + seed)} for step 1 and a
 * {@code splitOn(keys)} for step 2. Tablesaw cannot group by a double column, so DOUBLE keys
 * (e.g. scale) are grouped by their exact shortest decimal text and parsed back, which is
 * lossless. Known Tablesaw conventions: an empty-string condition value is indistinguishable from
 * a missing one, and both come back as null; a NaN/null DOUBLE condition comes back as null.
 */
public final class SeedLevelSummarizer {

    public static final double DEFAULT_CONFIDENCE_LEVEL = 0.95;

    /** A paragraph describing the statistics, written into summary.json. */
    public static final String DEFINITION =
            "Per condition and metric: each seed's value is the mean over that seed's examples "
            + "(NaN/null values skipped); mean, std (n-1) and a Student-t confidence interval "
            + "(n-1 degrees of freedom) are then taken over the per-seed values, n = n_seeds. "
            + "With one seed, std and the interval are null. n_examples counts the non-NaN "
            + "example values used.";

    private SeedLevelSummarizer() {
    }

    /** Summarises by the schema's condition columns at the 95% level. */
    public static Summary summarize(ResultsTable table) {
        return summarize(table.schema(), table.rows(), table.schema().conditionNames(), DEFAULT_CONFIDENCE_LEVEL);
    }

    /**
     * @param keyColumns the columns that define a condition (e.g. the condition columns plus
     *                   "group" to summarise each example group separately); must not include
     *                   "seed" or a metric
     */
    public static Summary summarize(
            ResultsSchema schema, List<ResultRow> rows, List<String> keyColumns, double level) {
        validateKeys(schema, keyColumns);
        List<String> metrics = schema.summarisedNames();
        List<String> notes = new ArrayList<>();
        if (rows.isEmpty() || metrics.isEmpty()) {
            notes.add(rows.isEmpty() ? "The results table has no rows." : "The schema declares no metric columns.");
            return new Summary(keyColumns, metrics, level, List.of(), notes);
        }

        Table table = TablesawTables.toTable(schema, rows);
        for (String key : keyColumns) {
            if (schema.column(schema.indexOf(key)).type() == ColumnType.DOUBLE) {
                String name = TablesawTables.name(key);
                table.replaceColumn(name, TablesawTables.doubleAsExactText((DoubleColumn) table.column(name)));
            }
        }
        String[] keys = keyColumns.stream().map(TablesawTables::name).toArray(String[]::new);
        List<String> seedKeys = new ArrayList<>(List.of(keys));
        seedKeys.add(TablesawTables.name(ResultsSchema.SEED));
        List<String> metricColumns = metrics.stream().map(TablesawTables::name).toList();
        Table perSeed = table.summarize(metricColumns, AggregateFunctions.mean, AggregateFunctions.countNonMissing)
                .by(seedKeys.toArray(String[]::new));

        List<TableSlice> conditions = keyColumns.isEmpty()
                ? List.of(new TableSlice(perSeed))
                : perSeed.splitOn(keys).getSlices();

        List<SummaryRow> summaryRows = new ArrayList<>();
        for (TableSlice slice : conditions) {
            Map<String, Object> condition = new LinkedHashMap<>();
            for (String key : keyColumns) {
                Object value = firstValue(slice, key);
                boolean isDouble = schema.column(schema.indexOf(key)).type() == ColumnType.DOUBLE;
                condition.put(key, isDouble && value != null ? Double.valueOf((String) value) : value);
            }
            for (String metric : metrics) {
                summaryRows.add(summarizeMetric(slice, condition, metric, level));
            }
        }
        summaryRows.sort(byCondition(keyColumns).thenComparingInt(r -> metrics.indexOf(r.metric())));
        addSeedNotes(summaryRows, notes);
        addUndefinedValueNotes(rows, keyColumns, metrics, notes);
        return new Summary(keyColumns, metrics, level, summaryRows, notes);
    }

    private static SummaryRow summarizeMetric(
            TableSlice slice, Map<String, Object> condition, String metric, double level) {
        NumericColumn<?> seedMeans = (NumericColumn<?>) slice.column(aggregateName(AggregateFunctions.mean, metric));
        NumericColumn<?> counts =
                (NumericColumn<?>) slice.column(aggregateName(AggregateFunctions.countNonMissing, metric));
        List<Double> values = new ArrayList<>();
        long examples = 0;
        for (int i = 0; i < slice.rowCount(); i++) {
            // TableSlice.column(...) is a view: the index here is within the slice.
            double x = seedMeans.getDouble(i);
            if (!Double.isNaN(x)) {
                values.add(x);
            }
            examples += Math.round(counts.getDouble(i));
        }
        MeanConfidenceInterval ci =
                MeanConfidenceInterval.of(values.stream().mapToDouble(Double::doubleValue).toArray(), level);
        return new SummaryRow(condition, metric, ci.mean(), ci.std(), ci.n(), examples, ci.low(), ci.high());
    }

    /** The column name Tablesaw gives an aggregate, e.g. "Mean [logit_diff]". */
    private static String aggregateName(AggregateFunction<?, ?> function, String column) {
        return function.functionName() + " [" + TablesawTables.name(column) + "]";
    }

    private static Object firstValue(TableSlice slice, String column) {
        return TablesawTables.valueOrNull(slice.column(TablesawTables.name(column)), 0);
    }

    private static void validateKeys(ResultsSchema schema, List<String> keyColumns) {
        for (String key : keyColumns) {
            ColumnSpec spec = schema.column(schema.indexOf(key));
            if (key.equals(ResultsSchema.SEED) || key.equals(ResultsSchema.EXAMPLE_ID) || spec.isSummarised()) {
                throw new IllegalArgumentException("'" + key + "' cannot be a summary key");
            }
        }
        if (keyColumns.stream().distinct().count() != keyColumns.size()) {
            throw new IllegalArgumentException("duplicate summary key in " + keyColumns);
        }
    }

    private static void addSeedNotes(List<SummaryRow> rows, List<String> notes) {
        int maxSeeds = rows.stream().mapToInt(SummaryRow::nSeeds).max().orElse(0);
        boolean someSingle = rows.stream().anyMatch(r -> r.nSeeds() == 1);
        if (maxSeeds == 1) {
            notes.add("Only one seed: std and confidence intervals need at least two seeds and are null. "
                    + "Run more seeds to get intervals.");
        } else if (someSingle) {
            notes.add("Some condition/metric rows have values from only one seed; their std and "
                    + "confidence intervals are null.");
        }
        if (rows.stream().anyMatch(r -> r.nSeeds() == 0)) {
            notes.add("Some condition/metric rows have no non-NaN value at all; their mean is null.");
        }
    }

    /**
     * Per metric, how many values were NaN or missing in conditions that have other values (an
     * example where the metric is undefined, e.g. a score with nothing to normalise by): n_examples
     * shows fewer values but not why. A condition with no value at all has its own note.
     */
    private static void addUndefinedValueNotes(List<ResultRow> rows, List<String> keyColumns, List<String> metrics,
                                               List<String> notes) {
        for (String metric : metrics) {
            Map<List<Object>, long[]> byCondition = new LinkedHashMap<>();
            for (ResultRow row : rows) {
                List<Object> key = keyColumns.stream().map(row::get).toList();
                long[] nanAndValues = byCondition.computeIfAbsent(key, k -> new long[2]);
                nanAndValues[Double.isNaN(row.getDouble(metric)) ? 0 : 1]++;
            }
            long undefined = byCondition.values().stream().filter(c -> c[1] > 0).mapToLong(c -> c[0]).sum();
            if (undefined > 0) {
                notes.add(metric + ": " + undefined + " of " + rows.size() + " values are NaN or missing (undefined for"
                        + " those examples) and were skipped; n_examples counts the values used.");
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Comparator<SummaryRow> byCondition(List<String> keys) {
        Comparator<SummaryRow> comparator = (a, b) -> 0;
        for (String key : keys) {
            Comparator<Object> values = Comparator.nullsFirst((x, y) -> ((Comparable) x).compareTo(y));
            comparator = comparator.thenComparing(r -> r.condition().get(key), values);
        }
        return comparator;
    }
}

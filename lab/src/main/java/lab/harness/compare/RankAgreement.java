package lab.harness.compare;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import lab.harness.results.ColumnRole;
import lab.harness.results.ColumnSpec;
import lab.harness.results.ResultRow;
import lab.harness.results.ResultsTable;
import lab.harness.stats.RankCorrelation;

/**
 * How well one run ranks the conditions of another: made for an estimate (attribution_patch)
 * against the exact experiment (activation_patch) with the same parameters, whose conditions are
 * the patch sites. Three views of one metric, because they answer different questions:
 * <ul>
 *   <li>over conditions: Spearman of the per-condition means (which sites matter on average);</li>
 *   <li>per example: Spearman across conditions within each (example, seed), so one example the
 *       estimate gets wrong shows as one low value instead of moving every mean it enters;</li>
 *   <li>over cells: Spearman of every paired row pooled.</li>
 * </ul>
 * Values below {@code zeroBelow} in magnitude count as 0 in both runs: where the clean and corrupt
 * activations are equal (a position before the corrupted token) the estimate is exactly 0 but a
 * batched exact forward leaves float32 noise (~1e-8), and ranking that noise against a block of
 * exact zeros would measure rounding, not the estimate.
 */
public final class RankAgreement {

    /** A correlation over {@code n} paired values. */
    public record Correlation(int n, double spearman, double pearson) {
    }

    /**
     * Per (example, seed) Spearman across conditions.
     *
     * @param examples (example, seed) groups with at least two conditions
     * @param constant of those, groups where either run is constant (no ranking: left out of the statistics)
     * @param worstExample the group with the lowest Spearman, "example_id seed=N"
     */
    public record PerExample(int examples, int constant, double mean, double median, double min, String worstExample) {
    }

    public record Result(String metric, Map<String, String> where, double zeroBelow, Correlation overConditions,
                         PerExample perExample, Correlation overCells, int unpairedA, int unpairedB) {
    }

    private RankAgreement() {
    }

    /**
     * @param where condition column to the value (as printed) a row must have, e.g. direction=clean_to_corrupt
     */
    public static Result of(ResultsTable a, ResultsTable b, String metric, Map<String, String> where, double zeroBelow) {
        for (ResultsTable t : List.of(a, b)) {
            if (!t.schema().summarisedNames().contains(metric)) {
                throw new IllegalArgumentException("metric '" + metric + "' is not in both runs; they have "
                        + t.schema().summarisedNames() + ": pass --rank with one of them");
            }
        }
        Map<String, Object> wanted = new LinkedHashMap<>();
        for (Map.Entry<String, String> w : where.entrySet()) {
            ColumnSpec column = a.schema().find(w.getKey()).filter(c -> c.role() == ColumnRole.CONDITION)
                    .orElseThrow(() -> new IllegalArgumentException("--where " + w.getKey() + ": not a condition column of"
                            + " these runs; they have " + a.schema().conditionNames()));
            wanted.put(column.name(), typed(column, w.getValue(), a));
        }
        RowPairs pairs = RowPairs.of(a, b);
        Map<String, double[][]> byCondition = new LinkedHashMap<>();
        Map<String, List<double[]>> byExample = new LinkedHashMap<>();
        List<double[]> cells = new ArrayList<>();
        pairs.byCondition().forEach((condition, rows) -> {
            List<double[]> kept = new ArrayList<>();
            for (ResultRow[] pair : rows) {
                if (!matches(pair[0], wanted)) {
                    continue;
                }
                double x = pair[0].getDouble(metric);
                double y = pair[1].getDouble(metric);
                if (Double.isNaN(x) || Double.isNaN(y)) {
                    continue;
                }
                double[] cell = {zeroed(x, zeroBelow), zeroed(y, zeroBelow)};
                kept.add(cell);
                cells.add(cell);
                byExample.computeIfAbsent(pair[0].exampleId() + " seed=" + pair[0].seed(), k -> new ArrayList<>()).add(cell);
            }
            if (!kept.isEmpty()) {
                byCondition.put(condition, kept.toArray(double[][]::new));
            }
        });
        if (byCondition.size() < 2) {
            throw new IllegalArgumentException("fewer than two conditions have a complete pair of '" + metric + "'"
                    + (where.isEmpty() ? "" : " where " + where) + ": nothing to rank; widen --where, or compare runs with"
                    + " more conditions");
        }
        List<double[]> means = new ArrayList<>();
        for (double[][] rows : byCondition.values()) {
            // the zeroing applies to the means too: an average of float32 noise is still noise
            means.add(new double[] {zeroed(meanOf(rows, 0), zeroBelow), zeroed(meanOf(rows, 1), zeroBelow)});
        }
        return new Result(metric, Map.copyOf(where), zeroBelow, correlation(means), perExample(byExample),
                correlation(cells), pairs.unpairedA(), pairs.unpairedB());
    }

    private static boolean matches(ResultRow row, Map<String, Object> wanted) {
        for (Map.Entry<String, Object> w : wanted.entrySet()) {
            if (!Objects.equals(row.get(w.getKey()), w.getValue())) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code text} as a value of {@code column}'s type, so that scale=0 finds the rows whose scale is
     * 0.0; a value no row has is an error listing the values there are.
     */
    private static Object typed(ColumnSpec column, String text, ResultsTable table) {
        Object value;
        try {
            value = switch (column.type()) {
                case INT32 -> Integer.parseInt(text.trim());
                case INT64 -> Long.parseLong(text.trim());
                case DOUBLE -> Double.parseDouble(text.trim());
                case BOOLEAN -> Boolean.parseBoolean(text.trim());
                case STRING -> text;
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--where " + column.name() + "=" + text + ": " + column.name() + " holds "
                    + column.type().name().toLowerCase(java.util.Locale.ROOT) + " values, and '" + text + "' is not one");
        }
        Set<Object> present = new LinkedHashSet<>();
        table.rows().stream().map(row -> row.get(column.name())).filter(Objects::nonNull).forEach(present::add);
        if (!present.contains(value)) {
            throw new IllegalArgumentException("--where " + column.name() + "=" + text + ": no row has that value; "
                    + column.name() + " takes " + present);
        }
        return value;
    }

    private static PerExample perExample(Map<String, List<double[]>> byExample) {
        List<Double> values = new ArrayList<>();
        int groups = 0;
        int constant = 0;
        String worst = null;
        double min = Double.NaN;
        for (Map.Entry<String, List<double[]>> e : byExample.entrySet()) {
            if (e.getValue().size() < 2) {
                continue;
            }
            groups++;
            double rho = correlation(e.getValue()).spearman();
            if (Double.isNaN(rho)) {
                constant++;
                continue;
            }
            values.add(rho);
            if (worst == null || rho < min) {
                min = rho;
                worst = e.getKey();
            }
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double mean = v.length == 0 ? Double.NaN : Arrays.stream(v).average().orElseThrow();
        double median = v.length == 0 ? Double.NaN : (v[(v.length - 1) / 2] + v[v.length / 2]) / 2;
        return new PerExample(groups, constant, mean, median, min, worst);
    }

    private static Correlation correlation(List<double[]> pairs) {
        double[] x = new double[pairs.size()];
        double[] y = new double[pairs.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = pairs.get(i)[0];
            y[i] = pairs.get(i)[1];
        }
        return new Correlation(x.length, RankCorrelation.spearman(x, y), RankCorrelation.pearson(x, y));
    }

    private static double meanOf(double[][] rows, int column) {
        double s = 0;
        for (double[] r : rows) {
            s += r[column];
        }
        return s / rows.length;
    }

    private static double zeroed(double v, double zeroBelow) {
        return Math.abs(v) < zeroBelow ? 0.0 : v;
    }
}

package lab.harness.compare;

import java.util.ArrayList;
import java.util.List;
import lab.harness.results.ResultRow;
import lab.harness.results.ResultsTable;
import lab.harness.stats.McNemarTest;
import lab.harness.stats.PairedBootstrap;
import lab.harness.stats.PairedSamples;
import lab.harness.stats.SignFlipTest;

/**
 * Compares two runs row by row: a row of A is paired with the row of B that has the same
 * condition, example and seed. Per condition and metric (and once over all conditions), the
 * mean difference A - B with a paired bootstrap CI and a sign-flip permutation p-value; for
 * {@code acc_flip_rate}, which is 0/1 per row, McNemar's test on the flips too.
 */
public final class RunComparison {

    /** One line of the comparison. */
    public record Line(String condition, String metric, int pairs, double meanA, double meanB,
                       PairedBootstrap.Interval bootstrap, SignFlipTest.Result permutation, McNemarTest.Result mcnemar) {
    }

    /** The comparison, with how many rows found no partner. */
    public record Result(List<Line> lines, int unpairedA, int unpairedB) {
    }

    public static final String ALL_CONDITIONS = "(all conditions)";

    private RunComparison() {
    }

    public static Result compare(ResultsTable a, ResultsTable b, int resamples, long seed) {
        List<String> metrics = new ArrayList<>(a.schema().summarisedNames());
        metrics.retainAll(b.schema().summarisedNames());
        if (metrics.isEmpty()) {
            throw new IllegalArgumentException("the two runs share no metric columns: " + a.schema().summarisedNames()
                    + " vs " + b.schema().summarisedNames());
        }
        RowPairs pairs = RowPairs.of(a, b);
        List<Line> lines = new ArrayList<>();
        List<ResultRow[]> all = pairs.all();
        for (String metric : metrics) {
            lines.add(line(ALL_CONDITIONS, metric, all, resamples, seed));
            pairs.byCondition().forEach((condition, rows) -> lines.add(line(condition, metric, rows, resamples, seed)));
        }
        return new Result(lines, pairs.unpairedA(), pairs.unpairedB());
    }

    private static Line line(String condition, String metric, List<ResultRow[]> pairs, int resamples, long seed) {
        double[] x = new double[pairs.size()];
        double[] y = new double[pairs.size()];
        for (int i = 0; i < pairs.size(); i++) {
            x[i] = pairs.get(i)[0].getDouble(metric);
            y[i] = pairs.get(i)[1].getDouble(metric);
        }
        PairedSamples samples = PairedSamples.dropIncompletePairs(x, y);
        if (samples.size() == 0) {
            return new Line(condition, metric, 0, Double.NaN, Double.NaN, null, null, null);
        }
        McNemarTest.Result mcnemar = null;
        if (metric.equals("acc_flip_rate")) {
            boolean[] fa = new boolean[samples.size()];
            boolean[] fb = new boolean[samples.size()];
            for (int i = 0; i < samples.size(); i++) {
                fa[i] = samples.a()[i] >= 0.5;
                fb[i] = samples.b()[i] >= 0.5;
            }
            mcnemar = McNemarTest.test(fa, fb);
        }
        return new Line(condition, metric, samples.size(), mean(samples.a()), mean(samples.b()),
                PairedBootstrap.meanDifference(samples, resamples, 0.95, seed),
                SignFlipTest.test(samples, resamples, seed), mcnemar);
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d;
        }
        return s / v.length;
    }
}

package lab.harness.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.harness.results.Summary;
import lab.harness.results.SummaryRow;
import lab.tracking.MetricPoint;
import lab.tracking.MlflowNames;

/**
 * What a run tells MLflow: the resolved config flattened to params ({@code model.path}, ...), and
 * each condition's across-seed mean and CI half-width as metrics named
 * {@code <metric>/<column>_<value>/...}, plus each metric's mean over all conditions.
 */
final class TrackingRecords {

    private TrackingRecords() {
    }

    static List<MetricPoint> metrics(Summary summary, long timestampMillis) {
        List<MetricPoint> points = new ArrayList<>();
        Map<String, double[]> overall = new LinkedHashMap<>();
        for (SummaryRow row : summary.rows()) {
            String base = conditionKey(row.metric(), row.condition());
            points.add(new MetricPoint(base + "/mean", row.mean(), 0, timestampMillis));
            if (!Double.isNaN(row.ciHigh())) {
                points.add(new MetricPoint(base + "/ci95_half_width", (row.ciHigh() - row.ciLow()) / 2, 0, timestampMillis));
            }
            double[] acc = overall.computeIfAbsent(row.metric(), k -> new double[2]);
            if (!Double.isNaN(row.mean())) {
                acc[0] += row.mean();
                acc[1]++;
            }
        }
        overall.forEach((metric, acc) -> points.add(new MetricPoint(MlflowNames.sanitizeKey(metric + "/mean_over_conditions"),
                acc[1] == 0 ? Double.NaN : acc[0] / acc[1], 0, timestampMillis)));
        return points;
    }

    /** {@code prefix/<column>_<value>/...}, made a valid MLflow key: where a condition's metrics live. */
    static String conditionKey(String prefix, Map<String, ?> condition) {
        StringBuilder key = new StringBuilder(prefix);
        condition.forEach((column, value) -> key.append('/').append(column).append('_').append(value));
        return MlflowNames.sanitizeKey(key.toString());
    }
}

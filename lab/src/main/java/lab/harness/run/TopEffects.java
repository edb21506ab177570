package lab.harness.run;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.experiments.metrics.AnswerMetrics;
import lab.harness.maps.HeatmapAssembler;
import lab.harness.results.ColumnSpec;
import lab.harness.results.ResultRow;
import lab.harness.results.ResultsSchema;
import lab.harness.results.ResultsTable;
import lab.harness.results.SeedLevelSummarizer;
import lab.harness.results.Summary;
import lab.harness.results.SummaryRow;
import lab.viz.EffectTable;

/**
 * Ranks a run's conditions by the size of their effect on its first metric, for the report's
 * "top conditions" table. The effect of {@code logit_diff} is its change from the clean run,
 * {@code logit_diff - clean_logit_diff} per example, summarised across seeds exactly like a metric
 * (so its interval is that of the change, not of the absolute value); the other metrics (kl,
 * acc_flip_rate, p_drop) are already measured against the clean run and rank by their own mean.
 */
final class TopEffects {

    /** Rows the report shows. */
    static final int SHOWN = 20;

    private static final String CHANGE_COLUMN = "logit_diff_change";

    private TopEffects() {
    }

    static EffectTable rank(ResultsTable results, Summary summary, List<String> metrics, int shown) {
        return rank(results, summary, metrics, metrics.get(0), shown);
    }

    /**
     * @param metrics the metrics shown beside each condition
     * @param first the metric whose effect ranks the conditions (see {@code Experiment.effectMetric})
     */
    static EffectTable rank(ResultsTable results, Summary summary, List<String> metrics, String first, int shown) {
        boolean change = first.equals(AnswerMetrics.LOGIT_DIFF);
        String label = change ? HeatmapAssembler.LOGIT_DIFF_CHANGE : first;
        List<SummaryRow> effects = change ? changeRows(results, summary.confidenceLevel())
                : summary.rows().stream().filter(r -> r.metric().equals(first)).toList();
        Map<Map<String, Object>, Map<String, Double>> means = new LinkedHashMap<>();
        summary.rows().forEach(r -> means.computeIfAbsent(r.condition(), k -> new LinkedHashMap<>()).put(r.metric(), r.mean()));
        List<EffectTable.Row> rows = new ArrayList<>();
        effects.stream()
                .sorted(Comparator.comparingDouble((SummaryRow r) -> Double.isNaN(r.mean()) ? -1 : Math.abs(r.mean())).reversed())
                .limit(shown)
                .forEach(r -> rows.add(new EffectTable.Row(RunFigures.conditionText(r.condition()), r.mean(), r.ciLow(),
                        r.ciHigh(), metrics.stream().map(m -> means.getOrDefault(r.condition(), Map.of())
                                .getOrDefault(m, Double.NaN)).toList())));
        return new EffectTable(label, metrics, rows, effects.size());
    }

    /** Per condition, the across-seed summary of logit_diff - clean_logit_diff. */
    private static List<SummaryRow> changeRows(ResultsTable results, double level) {
        ResultsSchema source = results.schema();
        ResultsSchema.Builder b = ResultsSchema.builder();
        List<String> conditions = source.conditionNames();
        for (String c : conditions) {
            b.add(source.column(source.indexOf(c)));
        }
        ResultsSchema schema = b.metric(CHANGE_COLUMN).build();
        List<ResultRow> rows = new ArrayList<>();
        for (ResultRow r : results.rows()) {
            Object[] values = new Object[schema.size()];
            values[0] = r.exampleId();
            values[1] = r.seed();
            values[2] = r.group();
            for (int i = 0; i < conditions.size(); i++) {
                values[3 + i] = r.get(conditions.get(i));
            }
            values[values.length - 1] = r.getDouble(AnswerMetrics.LOGIT_DIFF) - r.getDouble(AnswerMetrics.CLEAN_LOGIT_DIFF);
            rows.add(new ResultRow(schema, values));
        }
        return SeedLevelSummarizer.summarize(schema, rows, conditions, level).rows();
    }
}

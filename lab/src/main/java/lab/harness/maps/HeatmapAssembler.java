package lab.harness.maps;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import lab.experiments.MapAxes;
import lab.experiments.metrics.AnswerMetrics;
import lab.harness.results.Summary;
import lab.harness.results.SummaryRow;
import lab.viz.HeatmapData;
import lab.viz.ValueSign;

/**
 * Turns a run's summary into heatmaps: for each 2-D map an experiment declares (e.g. layer x
 * head), one map per metric and per value of the other condition columns (e.g. per scale), each
 * cell the across-seed mean. A map with no value at all (a metric that facet does not measure) is
 * left out; axis values show the experiment's labels where it gives them (e.g. a position's token).
 */
public final class HeatmapAssembler {

    private HeatmapAssembler() {
    }

    /** Name of the derived map of logit_diff minus clean_logit_diff: the intervention's effect, white where none. */
    public static final String LOGIT_DIFF_CHANGE = "logit_diff change";

    /** Maps with no value at all (e.g. a metric the asymmetry rows of a patching run leave NaN) are left out. */
    public static List<HeatmapData> assemble(Summary summary, List<MapAxes> maps, List<String> metrics) {
        List<SummaryRow> rows = withLogitDiffChange(summary.rows(), metrics);
        List<String> drawn = new ArrayList<>(metrics);
        if (metrics.contains(AnswerMetrics.LOGIT_DIFF)) {
            drawn.add(metrics.indexOf(AnswerMetrics.LOGIT_DIFF) + 1, LOGIT_DIFF_CHANGE);
        }
        List<HeatmapData> out = new ArrayList<>();
        for (MapAxes axes : maps) {
            for (String metric : drawn) {
                if (metric.equals(LOGIT_DIFF_CHANGE) && !axes.changeMaps()) {
                    continue;
                }
                Map<List<Object>, List<SummaryRow>> byFacet = new LinkedHashMap<>();
                for (SummaryRow row : rows) {
                    if (row.metric().equals(metric) && axes.includes(row.condition())) {
                        List<Object> facet = axes.facets().stream().map(f -> row.condition().get(f)).collect(Collectors.toList());
                        byFacet.computeIfAbsent(facet, k -> new ArrayList<>()).add(row);
                    }
                }
                List<HeatmapData> facets = new ArrayList<>();
                byFacet.forEach((facet, facetRows) -> {
                    if (facetRows.stream().anyMatch(r -> !Double.isNaN(r.mean()))) {
                        facets.add(map(axes, metric, facet, facetRows));
                    }
                });
                // one colour scale per metric across its facets, so that a map of float noise
                // (e.g. scale 1.0, which changes nothing) comes out white beside the real effects
                double limit = facets.stream().mapToDouble(HeatmapData::maxAbs).max().orElse(0);
                facets.forEach(map -> out.add(map.withColorLimit(limit)));
            }
        }
        return out;
    }

    /**
     * Adds, per condition, mean(logit_diff) - mean(clean_logit_diff): the clean value is the same
     * example's under every condition, so this is the mean change the intervention caused.
     */
    private static List<SummaryRow> withLogitDiffChange(List<SummaryRow> rows, List<String> metrics) {
        List<SummaryRow> out = new ArrayList<>(rows);
        if (!metrics.contains(AnswerMetrics.LOGIT_DIFF)) {
            return out;
        }
        Map<Map<String, Object>, Double> clean = new LinkedHashMap<>();
        rows.stream().filter(r -> r.metric().equals(AnswerMetrics.CLEAN_LOGIT_DIFF)).forEach(r -> clean.put(r.condition(), r.mean()));
        for (SummaryRow r : rows) {
            if (r.metric().equals(AnswerMetrics.LOGIT_DIFF) && clean.containsKey(r.condition())) {
                out.add(new SummaryRow(r.condition(), LOGIT_DIFF_CHANGE, r.mean() - clean.get(r.condition()), Double.NaN,
                        r.nSeeds(), r.nExamples(), Double.NaN, Double.NaN));
            }
        }
        return out;
    }

    private static HeatmapData map(MapAxes axes, String metric, List<Object> facet, List<SummaryRow> rows) {
        List<Object> rowValues = sorted(rows, axes::rowKey, axes.symmetric() ? axes::columnKey : null);
        List<Object> colValues = axes.symmetric() ? rowValues : sorted(rows, axes::columnKey, null);
        double[][] values = new double[rowValues.size()][colValues.size()];
        for (double[] r : values) {
            Arrays.fill(r, Double.NaN);
        }
        for (SummaryRow row : rows) {
            int r = rowValues.indexOf(axes.rowKey(row.condition()));
            int c = colValues.indexOf(axes.columnKey(row.condition()));
            values[r][c] = row.mean();
            if (axes.symmetric()) {
                values[c][r] = row.mean();
            }
        }
        StringBuilder title = new StringBuilder(metric + " by " + axes.rows() + " x " + axes.columns());
        for (int i = 0; i < facet.size(); i++) {
            title.append(i == 0 ? " (" : ", ").append(axes.facets().get(i)).append(" = ").append(facet.get(i));
            title.append(i == facet.size() - 1 ? ")" : "");
        }
        axes.only().forEach((column, value) -> title.append(", ").append(column).append(" = ").append(value));
        return new HeatmapData(title.toString(), axes.rows(), axes.columns(), labels(axes, axes.rows(), rowValues),
                labels(axes, axes.columns(), colValues), values, "mean " + metric, sign(metric));
    }

    /** Sequential colours for a metric that cannot be negative, diverging ones for everything else. */
    static ValueSign sign(String metric) {
        return AnswerMetrics.isNonNegative(metric) ? ValueSign.NON_NEGATIVE : ValueSign.SIGNED;
    }

    /** The distinct keys of the rows, sorted; {@code alsoKey} (when given) adds a second key per row (symmetric maps). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static List<Object> sorted(List<SummaryRow> rows, Function<Map<String, Object>, Object> key,
                                       Function<Map<String, Object>, Object> alsoKey) {
        TreeSet set = new TreeSet();
        rows.stream().map(r -> key.apply(r.condition())).filter(Objects::nonNull).forEach(set::add);
        if (alsoKey != null) {
            rows.stream().map(r -> alsoKey.apply(r.condition())).filter(Objects::nonNull).forEach(set::add);
        }
        return new ArrayList<>(set);
    }

    private static List<String> labels(MapAxes axes, String axis, List<Object> values) {
        return values.stream().map(v -> axes.label(axis, v)).collect(Collectors.toList());
    }
}

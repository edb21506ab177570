package lab.harness.maps;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import lab.experiments.MapAxes;
import lab.experiments.metrics.AnswerMetrics;
import lab.harness.results.ResultRow;
import lab.harness.results.ResultsTable;
import lab.viz.HeatmapData;

/**
 * Maps of one condition column against the examples (e.g. feature x example): for each metric and
 * each value of the facet columns, a cell per (condition value, example) holding the mean over
 * seeds; with logit_diff also its change from the clean run.
 */
public final class ExampleHeatmaps {

    private ExampleHeatmaps() {
    }

    public static List<HeatmapData> assemble(ResultsTable table, List<MapAxes> maps, List<String> metrics) {
        List<HeatmapData> out = new ArrayList<>();
        for (MapAxes axes : maps) {
            for (String metric : drawn(metrics)) {
                Map<List<Object>, List<ResultRow>> byFacet = new LinkedHashMap<>();
                for (ResultRow row : table.rows()) {
                    List<Object> facet = axes.facets().stream().map(row::get).toList();
                    byFacet.computeIfAbsent(facet, k -> new ArrayList<>()).add(row);
                }
                byFacet.forEach((facet, rows) -> out.add(map(axes, metric, facet, rows)));
            }
        }
        return out;
    }

    private static List<String> drawn(List<String> metrics) {
        List<String> drawn = new ArrayList<>(metrics);
        if (metrics.contains(AnswerMetrics.LOGIT_DIFF)) {
            drawn.add(metrics.indexOf(AnswerMetrics.LOGIT_DIFF) + 1, HeatmapAssembler.LOGIT_DIFF_CHANGE);
        }
        return drawn;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static HeatmapData map(MapAxes axes, String metric, List<Object> facet, List<ResultRow> rows) {
        TreeSet rowSet = new TreeSet();
        TreeSet<String> exampleSet = new TreeSet<>();
        rows.forEach(r -> {
            rowSet.add(r.get(axes.rows()));
            exampleSet.add(r.exampleId());
        });
        List<Object> rowValues = new ArrayList<>(rowSet);
        List<String> examples = new ArrayList<>(exampleSet);
        double[][] sum = new double[rowValues.size()][examples.size()];
        int[][] n = new int[rowValues.size()][examples.size()];
        for (ResultRow r : rows) {
            double v = metric.equals(HeatmapAssembler.LOGIT_DIFF_CHANGE)
                    ? r.getDouble(AnswerMetrics.LOGIT_DIFF) - r.getDouble(AnswerMetrics.CLEAN_LOGIT_DIFF)
                    : r.getDouble(metric);
            if (!Double.isNaN(v)) {
                int i = rowValues.indexOf(r.get(axes.rows()));
                int j = examples.indexOf(r.exampleId());
                sum[i][j] += v;
                n[i][j]++;
            }
        }
        double[][] values = new double[rowValues.size()][examples.size()];
        for (int i = 0; i < values.length; i++) {
            for (int j = 0; j < examples.size(); j++) {
                values[i][j] = n[i][j] == 0 ? Double.NaN : sum[i][j] / n[i][j];
            }
        }
        StringBuilder title = new StringBuilder(metric + " by " + axes.rows() + " x example");
        for (int i = 0; i < facet.size(); i++) {
            title.append(i == 0 ? " (" : ", ").append(axes.facets().get(i)).append(" = ").append(facet.get(i));
            title.append(i == facet.size() - 1 ? ")" : "");
        }
        return new HeatmapData(title.toString(), axes.rows(), "example",
                rowValues.stream().map(String::valueOf).toList(), examples, values, "mean " + metric + " over seeds");
    }
}

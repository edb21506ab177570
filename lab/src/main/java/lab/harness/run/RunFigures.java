package lab.harness.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lab.harness.results.Summary;
import lab.viz.AttentionPatterns;
import lab.viz.EffectTable;
import lab.viz.HeatmapData;
import lab.viz.HeatmapPng;
import lab.viz.HtmlReport;
import lab.viz.ReliabilityDiagram;
import lab.viz.RunReport;
import lab.viz.SummaryRow;

/** A run's pictures: one PNG per heatmap and the self-contained interactive {@code report.html}. */
final class RunFigures {

    private RunFigures() {
    }

    /** @return the files written */
    static List<Path> write(Path dir, String runName, Map<String, String> metadata, Summary summary,
                            List<HeatmapData> heatmaps, EffectTable topEffects, List<AttentionPatterns> patterns,
                            List<ReliabilityDiagram> calibration) throws IOException {
        List<Path> written = new ArrayList<>();
        for (HeatmapData map : heatmaps) {
            Path png = dir.resolve("heatmap_" + fileName(map.title()) + ".png");
            HeatmapPng.write(map, png);
            written.add(png);
        }
        List<SummaryRow> rows = new ArrayList<>();
        for (lab.harness.results.SummaryRow r : summary.rows()) {
            String condition = conditionText(r.condition());
            rows.add(Double.isNaN(r.ciLow()) ? SummaryRow.withoutInterval(condition, r.metric(), r.mean())
                    : new SummaryRow(condition, r.metric(), r.mean(), r.ciLow(), r.ciHigh()));
        }
        Path report = dir.resolve("report.html");
        HtmlReport.write(new RunReport(runName, metadata, rows, "95% CI", heatmaps, topEffects, patterns, calibration), report);
        written.add(report);
        return written;
    }

    /** A condition as the report names it, e.g. {@code layer=0 head=3 scale=0.0}. */
    static String conditionText(Map<String, Object> condition) {
        return condition.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).reduce((a, b) -> a + " " + b)
                .orElse("");
    }

    static String fileName(String title) {
        return title.toLowerCase().replaceAll("[^a-z0-9.]+", "_").replaceAll("^_+|_+$", "");
    }
}

package lab.harness.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.experiments.Experiment;
import lab.experiments.Experiments;
import lab.experiments.MapAxes;
import lab.harness.maps.HeatmapAssembler;
import lab.harness.results.ResultsTable;
import lab.harness.results.SeedLevelSummarizer;
import lab.harness.rundir.FinishedRuns;
import lab.viz.EffectTable;
import lab.viz.HeatmapData;
import lab.viz.RunReport;
import lab.viz.ValueSign;

/**
 * Two runs of one design on one page (e.g. an attribution_patch estimate beside the exact
 * activation_patch run): every map the runs share as three figures in a row, A and B on one colour
 * scale so that equal colours mean equal values, then A - B on its own; the rank agreement or the
 * paired differences in the header. Drawn by the run report's own renderer, so it is as
 * self-contained and as checkable as a run's report.html.
 */
public final class ComparisonReport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ComparisonReport() {
    }

    /**
     * @param metrics the metrics to draw (maps of other metrics are left out)
     * @param facts header lines (the rank agreement or the paired differences), in order
     */
    public static RunReport build(Path runA, ResultsTable a, Path runB, ResultsTable b, List<String> metrics,
                                  Map<String, String> facts) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("A", runA + " (" + typeOf(runA) + ")");
        meta.put("B", runB + " (" + typeOf(runB) + ")");
        meta.putAll(facts);
        List<HeatmapData> maps = new ArrayList<>();
        List<MapAxes> axes;
        try {
            axes = experimentOf(runA).maps();
        } catch (IllegalArgumentException e) {
            // e.g. an sae_toggle run whose SAE folder has moved: the numbers still compare, the maps cannot be laid out
            meta.put("maps", "not drawn: " + e.getMessage());
            axes = List.of();
        }
        if (!axes.isEmpty()) {
            List<HeatmapData> mapsA = HeatmapAssembler.assemble(SeedLevelSummarizer.summarize(a), axes, metrics);
            List<HeatmapData> mapsB = HeatmapAssembler.assemble(SeedLevelSummarizer.summarize(b), axes, metrics);
            for (HeatmapData mapA : mapsA) {
                mapsB.stream().filter(m -> sameLayout(m, mapA)).findFirst().ifPresent(mapB -> maps.addAll(triple(mapA, mapB)));
            }
            if (maps.isEmpty()) {
                meta.put("maps", "none in common (the runs' maps differ in conditions or metrics)");
            }
        }
        return new RunReport(runA.getFileName() + " vs " + runB.getFileName(), meta, List.of(), "95% CI", maps,
                EffectTable.none());
    }

    /** A and B on the larger of their two colour limits, and their difference cell by cell. */
    static List<HeatmapData> triple(HeatmapData a, HeatmapData b) {
        double limit = Math.max(a.scaleLimit(), b.scaleLimit());
        double[][] diff = new double[a.rows()][a.cols()];
        for (int r = 0; r < a.rows(); r++) {
            for (int c = 0; c < a.cols(); c++) {
                diff[r][c] = a.value(r, c) - b.value(r, c);
            }
        }
        return List.of(titled(a, "A: " + a.title(), a.values(), a.valueLabel(), a.sign()).withColorLimit(limit),
                titled(b, "B: " + b.title(), b.values(), b.valueLabel(), b.sign()).withColorLimit(limit),
                titled(a, "A - B: " + a.title(), diff, "A - B of " + a.valueLabel(), ValueSign.SIGNED));
    }

    private static boolean sameLayout(HeatmapData x, HeatmapData y) {
        return x.title().equals(y.title()) && x.rowLabels().equals(y.rowLabels()) && x.colLabels().equals(y.colLabels());
    }

    private static HeatmapData titled(HeatmapData m, String title, double[][] values, String valueLabel, ValueSign sign) {
        return new HeatmapData(title, m.rowAxisName(), m.colAxisName(), m.rowLabels(), m.colLabels(), values, valueLabel, sign);
    }

    private static Experiment experimentOf(Path run) throws IOException {
        ObjectNode params = ((ObjectNode) experimentNode(run)).deepCopy();
        String type = params.path("type").asText();
        params.remove("type");
        return Experiments.create(type, params);
    }

    /** The run's experiment type, or "type unknown" where its config.json cannot be found (the numbers still compare). */
    private static String typeOf(Path run) throws IOException {
        try {
            return experimentNode(run).path("type").asText("type unknown");
        } catch (IllegalArgumentException e) {
            return "type unknown";
        }
    }

    private static JsonNode experimentNode(Path run) throws IOException {
        Path config = (Files.isDirectory(run) ? run : run.toAbsolutePath().getParent()).resolve(FinishedRuns.CONFIG_FILE);
        if (!Files.isRegularFile(config)) {
            throw new IllegalArgumentException("no config.json beside " + run + "; give a run directory that `harness run` wrote");
        }
        JsonNode experiment = JSON.readTree(config.toFile()).path("experiment");
        if (!experiment.isObject()) {
            throw new IllegalArgumentException(config + " has no experiment block; give a run directory that `harness run` wrote");
        }
        return experiment;
    }
}

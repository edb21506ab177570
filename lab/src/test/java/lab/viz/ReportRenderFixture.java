package lab.viz;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A realistic run report for render checks: a layer x head map with a missing cell, a
 * layer x position map labelled with tokens, an all-zero map, and hostile text in the run name and
 * metadata. Used by the tests and, through {@link #main}, by {@code scripts/check-report-renders}.
 */
public final class ReportRenderFixture {

    public static final String HOSTILE_RUN_NAME = "ioi-ablation <script>alert('x')</script> & \"quotes\"";

    private ReportRenderFixture() {
    }

    public static RunReport report() {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("model", "tiny-gpt2 (2 layers)");
        metadata.put("config hash", "3f9a1c0e7b");
        metadata.put("seeds", "0, 1, 2, 3, 4");
        metadata.put("note", "<img src=x onerror=alert(1)>");
        List<SummaryRow> summary = List.of(
                new SummaryRow("clean", "logit diff", 3.2145, 3.01, 3.42),
                new SummaryRow("ablate L1H3", "logit diff", 1.0571, 0.88, 1.21),
                SummaryRow.withoutInterval("corrupted", "logit diff", -0.4123));
        return new RunReport(HOSTILE_RUN_NAME, metadata, summary, "95% CI (bootstrap)",
                List.of(layerByHead(), layerByPosition(), allZero()), topEffects());
    }

    /** Two ranked conditions, the second with hostile text and no interval. */
    public static EffectTable topEffects() {
        return new EffectTable("logit_diff change", List.of("logit_diff", "kl"), List.of(
                new EffectTable.Row("layer=1 head=3 scale=0.0", -2.157, -2.5, -1.81, List.of(1.0571, 0.42)),
                new EffectTable.Row("token=<b>x</b>", 0.31, Double.NaN, Double.NaN, List.of(3.52, Double.NaN))), 144);
    }

    /** 12 x 12, strongest negative at L0H0 (-2), strongest positive at L11H11 (+2), L3H4 missing. */
    public static HeatmapData layerByHead() {
        double[][] v = new double[12][12];
        for (int r = 0; r < 12; r++) {
            for (int c = 0; c < 12; c++) {
                v[r][c] = 0.3 * Math.sin(r * 0.7 + c * 0.3);
            }
        }
        v[0][0] = -2;
        v[11][11] = 2;
        v[5][5] = 0;
        v[3][4] = Double.NaN;
        return HeatmapData.indexed("Mean logit-diff change when ablating each head", "layer", "head", v,
                "Δ logit diff");
    }

    public static HeatmapData layerByPosition() {
        List<String> tokens = List.of("<|endoftext|>", "When", " Mary", " and", " John", " went", " to", " the",
                " store", ",", " John", " gave", " a", " drink", " to");
        double[][] v = new double[6][tokens.size()];
        for (int r = 0; r < 6; r++) {
            v[r][2] = 1.5 * (6 - r) / 6.0;
            v[r][tokens.size() - 1] = 2.5 * (r + 1) / 6.0;
            v[r][10] = -0.8 * r / 5.0;
        }
        return new HeatmapData("Activation patching: residual stream", "layer", "position",
                List.of("0", "1", "2", "3", "4", "5"), tokens, v, "patching effect");
    }

    public static HeatmapData allZero() {
        return HeatmapData.indexed("All-zero map (nothing moved)", "layer", "head", new double[2][4], "Δ loss");
    }

    /** Writes the fixture report to the given path (default /tmp/lab-viz-fixture.html). */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "/tmp/lab-viz-fixture.html");
        HtmlReport.write(report(), out);
        System.out.println(out.toAbsolutePath());
    }
}

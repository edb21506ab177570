package lab.harness.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.experiments.MapAxes;
import lab.harness.results.Summary;
import lab.harness.results.SummaryRow;
import lab.viz.HeatmapData;
import lab.viz.ValueSign;
import org.junit.jupiter.api.Test;

/** Maps from summary rows: one column per axis (layer x head), composite symmetric axes (head x head of pairs), rows chosen and labelled, colour scales by metric sign. */
class HeatmapAssemblerTest {

    private static SummaryRow row(Map<String, Object> condition, String metric, double mean) {
        return new SummaryRow(condition, metric, mean, Double.NaN, 1, 1, Double.NaN, Double.NaN);
    }

    private static Map<String, Object> pair(int la, int ha, int lb, int hb) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("layer_a", la);
        c.put("head_a", ha);
        c.put("layer_b", lb);
        c.put("head_b", hb);
        return c;
    }

    @Test
    void pairsFormASquareHeadByHeadMatrixLabelledLayerDotHead() {
        // three heads 0.1, 1.0, 1.2 (1.0 sorts before 1.2 and after 0.1), all three pairs
        List<SummaryRow> rows = new ArrayList<>();
        rows.add(row(pair(0, 1, 1, 0), "interaction", -1.0));
        rows.add(row(pair(0, 1, 1, 2), "interaction", 2.0));
        rows.add(row(pair(1, 0, 1, 2), "interaction", 3.0));
        Summary summary = new Summary(List.of("layer_a", "head_a", "layer_b", "head_b"), List.of("interaction"), 0.95, rows, List.of());
        List<HeatmapData> maps = HeatmapAssembler.assemble(summary,
                List.of(MapAxes.symmetric(List.of("layer_a", "head_a"), List.of("layer_b", "head_b"), List.of())), List.of("interaction"));
        assertEquals(1, maps.size());
        HeatmapData map = maps.get(0);
        assertEquals(List.of("0.1", "1.0", "1.2"), map.rowLabels());
        assertEquals(map.rowLabels(), map.colLabels());
        assertEquals("interaction by layer_a.head_a x layer_b.head_b", map.title());
        double[][] v = map.values();
        assertEquals(-1.0, v[0][1]);
        assertEquals(-1.0, v[1][0]);
        assertEquals(2.0, v[0][2]);
        assertEquals(2.0, v[2][0]);
        assertEquals(3.0, v[1][2]);
        assertEquals(3.0, v[2][1]);
        for (int i = 0; i < 3; i++) {
            assertTrue(Double.isNaN(v[i][i]), "a head with itself is no pair");
        }
    }

    @Test
    void singleColumnAxesAreAsBefore() {
        List<SummaryRow> rows = new ArrayList<>();
        for (int layer = 0; layer < 2; layer++) {
            for (int head = 0; head < 3; head++) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("layer", layer);
                c.put("head", head);
                c.put("scale", 0.0);
                rows.add(row(c, "kl", layer * 10 + head));
            }
        }
        Summary summary = new Summary(List.of("layer", "head", "scale"), List.of("kl"), 0.95, rows, List.of());
        HeatmapData map = HeatmapAssembler.assemble(summary, List.of(new MapAxes("layer", "head", List.of("scale"))), List.of("kl")).get(0);
        assertEquals("kl by layer x head (scale = 0.0)", map.title());
        assertEquals(List.of("0", "1"), map.rowLabels());
        assertEquals(List.of("0", "1", "2"), map.colLabels());
        assertEquals(12.0, map.value(1, 2));
        assertEquals("layer", map.rowAxisName());
    }

    private static SummaryRow row(String component, int layer, int head, String metric, double mean) {
        Map<String, Object> condition = new LinkedHashMap<>();
        condition.put("component", component);
        condition.put("layer", layer);
        condition.put("head", head);
        return new SummaryRow(condition, metric, mean, 0, 1, 1, Double.NaN, Double.NaN);
    }

    private static Summary summary() {
        List<SummaryRow> rows = new ArrayList<>();
        for (int l = 0; l < 2; l++) {
            for (int h = 0; h < 2; h++) {
                rows.add(row("head", l, h, "logit_diff", 10 * l + h));
                rows.add(row("head", l, h, "clean_logit_diff", 100));
            }
            rows.add(row("mlp", l, -1, "logit_diff", -5));
            rows.add(row("mlp", l, -1, "clean_logit_diff", 100));
        }
        return new Summary(List.of("component", "layer", "head"), List.of("logit_diff", "clean_logit_diff"), 0.95, rows, List.of());
    }

    @Test
    void onlyTheChosenRowsWithLabelsAndNoChangeMapWhenAsked() {
        MapAxes heads = new MapAxes("layer", "head", List.of()).onlyWhere("component", "head")
                .labelled("head", Map.of("0", "H0", "1", "H1"));
        List<HeatmapData> maps = HeatmapAssembler.assemble(summary(), List.of(heads), List.of("logit_diff"));
        assertEquals(2, maps.size(), "logit_diff and its change from clean");
        HeatmapData map = maps.get(0);
        assertEquals(List.of("H0", "H1"), map.colLabels(), "no head -1 column from the mlp rows");
        assertEquals(List.of("0", "1"), map.rowLabels());
        assertEquals(11.0, map.value(1, 1));
        assertEquals("logit_diff by layer x head, component = head", map.title());
        assertEquals(11.0 - 100, maps.get(1).value(1, 1));
        List<HeatmapData> without = HeatmapAssembler.assemble(summary(), List.of(heads.withoutChangeMaps()), List.of("logit_diff"));
        assertEquals(1, without.size());
    }

    @Test
    void metricsThatCannotBeNegativeGetSequentialMapsAndTheRestDivergingOnes() {
        List<String> metrics = List.of("logit_diff", "kl", "acc_flip_rate", "p_drop");
        List<SummaryRow> rows = new ArrayList<>();
        for (int layer = 0; layer < 2; layer++) {
            for (int head = 0; head < 2; head++) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("layer", layer);
                c.put("head", head);
                for (String m : List.of("logit_diff", "kl", "acc_flip_rate", "p_drop", "clean_logit_diff")) {
                    rows.add(new SummaryRow(c, m, layer + 0.5 * head, Double.NaN, 1, 4, Double.NaN, Double.NaN));
                }
            }
        }
        Summary summary = new Summary(List.of("layer", "head"), metrics, 0.95, rows, List.of());
        Map<String, ValueSign> signs = new LinkedHashMap<>();
        for (HeatmapData map : HeatmapAssembler.assemble(summary, List.of(new MapAxes("layer", "head", List.of())), metrics)) {
            signs.put(map.title().split(" by ")[0], map.sign());
        }
        assertEquals(Map.of("logit_diff", ValueSign.SIGNED, HeatmapAssembler.LOGIT_DIFF_CHANGE, ValueSign.SIGNED,
                "kl", ValueSign.NON_NEGATIVE, "acc_flip_rate", ValueSign.NON_NEGATIVE, "p_drop", ValueSign.SIGNED), signs);
    }

    @Test
    void theFacetsOfOneMetricShareOneColourLimitSoNoiseStaysWhite() {
        List<SummaryRow> rows = new ArrayList<>();
        for (double scale : new double[] {0.0, 1.0}) {
            for (int head = 0; head < 2; head++) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("layer", 0);
                c.put("head", head);
                c.put("scale", scale);
                // scale 1.0 changes nothing: its values are float noise
                rows.add(row(c, "kl", scale == 0.0 ? 2.0 + head : 3e-7 * (head + 1)));
            }
        }
        Summary summary = new Summary(List.of("layer", "head", "scale"), List.of("kl"), 0.95, rows, List.of());
        List<HeatmapData> maps = HeatmapAssembler.assemble(summary, List.of(new MapAxes("layer", "head", List.of("scale"))), List.of("kl"));
        assertEquals(2, maps.size());
        for (HeatmapData map : maps) {
            assertEquals(3.0, map.scaleLimit(), 0.0, map.title());
        }
        assertEquals(6e-7, maps.get(1).maxAbs(), 1e-12, "the noise map keeps its own values");
    }
}

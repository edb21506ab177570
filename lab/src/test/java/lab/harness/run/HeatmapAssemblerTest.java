package lab.harness.run;

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
import org.junit.jupiter.api.Test;

/** Maps from summary rows: one column per axis (layer x head) and composite symmetric axes (head x head of pairs). */
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
}

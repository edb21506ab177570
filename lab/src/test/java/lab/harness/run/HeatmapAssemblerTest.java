package lab.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

class HeatmapAssemblerTest {

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
}

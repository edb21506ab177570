package lab.harness.maps;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import lab.experiments.sae.SaeToggle;
import lab.harness.results.ResultsTable;
import lab.harness.run.ResultsSchemas;
import lab.viz.HeatmapData;
import org.junit.jupiter.api.Test;

/** Feature x example maps: each cell the mean over seeds of that feature's effect on that example. */
class ExampleHeatmapsTest {

    @Test
    void cellsAreSeedMeansPerConditionAndExample() throws Exception {
        SaeToggle toggle = SaeToggle.fromParams(new ObjectMapper().readTree(
                "{\"sae\": \"src/test/resources/fixtures/saelens/topk\", \"features\": [3, 9]}"));
        ResultsTable table = new ResultsTable(ResultsSchemas.forExperiment(toggle, List.of("logit_diff")));
        for (int seed = 0; seed < 2; seed++) {
            for (String ex : new String[] {"a", "b"}) {
                for (int feature : new int[] {3, 9}) {
                    double v = feature * 10 + (ex.equals("a") ? 1 : 2) + seed;
                    table.append(Map.of("example_id", ex, "seed", seed, "group", "g", "feature", feature, "value", 0.0,
                            "logit_diff", v, "clean_logit_diff", 5.0));
                }
            }
        }
        List<HeatmapData> maps = ExampleHeatmaps.assemble(table, toggle.exampleMaps(), List.of("logit_diff"));
        assertEquals(2, maps.size());
        HeatmapData ld = maps.get(0);
        assertEquals("logit_diff by feature x example (value = 0.0)", ld.title());
        assertEquals(List.of("3", "9"), ld.rowLabels());
        assertEquals(List.of("a", "b"), ld.colLabels());
        assertEquals(31.5, ld.values()[0][0], 1e-12);
        assertEquals(92.5, ld.values()[1][1], 1e-12);
        assertEquals(92.5 - 5.0, maps.get(1).values()[1][1], 1e-12, "logit_diff change");
    }
}

package lab.harness.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeedLevelSummarizerTest {

    static final double T_975_2 = 4.302652729749462; // scipy.stats.t.ppf(0.975, 2)
    static final double T_975_1 = 12.706204736174694;

    static ResultsSchema schema() {
        return ResultsSchema.builder()
                .condition("layer", ColumnType.INT32)
                .condition("direction", ColumnType.STRING)
                .metric("logit_diff")
                .metric("kl")
                .build();
    }

    static void row(ResultsTable t, String ex, int seed, int layer, String dir, double logitDiff, double kl) {
        t.newRow().exampleId(ex).seed(seed).group("g").set("layer", layer).set("direction", dir)
                .set("logit_diff", logitDiff).set("kl", kl).append();
    }

    /**
     * Layer 0: seed 0 -> logit_diff (1, 3), seed 1 -> (2, 6), seed 2 -> (9, NaN).
     * Per-seed means 2, 4, 9 (NOT the pooled mean 21/5 = 4.2): mean 5, deviations -3, -1, 4,
     * variance 26/2 = 13, half width t_{.975,2} * sqrt(13) / sqrt(3).
     * kl: seed 0 -> (0.5, NaN) = 0.5; seed 1 -> (1, 1) = 1; seed 2 -> (NaN, null) = none.
     * mean 0.75, std sqrt(0.125), half width t_{.975,1} * sqrt(0.125) / sqrt(2) = t * 0.25.
     * Layer 1 (one seed): logit_diff (10, 20) -> 15; kl all NaN -> no value.
     */
    static ResultsTable handTable() {
        ResultsTable t = new ResultsTable(schema());
        // Appended out of order on purpose: the summary sorts by condition.
        row(t, "e1", 0, 1, "down", 10, Double.NaN);
        row(t, "e2", 0, 1, "down", 20, Double.NaN);
        row(t, "e1", 0, 0, "up", 1, 0.5);
        row(t, "e2", 0, 0, "up", 3, Double.NaN);
        row(t, "e1", 1, 0, "up", 2, 1.0);
        row(t, "e2", 1, 0, "up", 6, 1.0);
        row(t, "e1", 2, 0, "up", 9, Double.NaN);
        t.newRow().exampleId("e2").seed(2).group("g").set("layer", 0).set("direction", "up").append(); // nulls
        return t;
    }

    @Test
    void averagesExamplesWithinSeedsThenSummarisesAcrossSeeds() {
        Summary s = SeedLevelSummarizer.summarize(handTable());
        assertEquals(List.of("layer", "direction"), s.conditionColumns());
        assertEquals(List.of("logit_diff", "kl"), s.metrics());
        assertEquals(4, s.rows().size());

        SummaryRow ld0 = s.rows().get(0);
        assertEquals(condition(0, "up"), ld0.condition());
        assertEquals("logit_diff", ld0.metric());
        assertEquals(5.0, ld0.mean(), 1e-12);
        assertEquals(Math.sqrt(13), ld0.std(), 1e-12);
        assertEquals(3, ld0.nSeeds());
        assertEquals(5, ld0.nExamples());
        double half = T_975_2 * Math.sqrt(13) / Math.sqrt(3);
        assertEquals(5.0 - half, ld0.ciLow(), 1e-9);
        assertEquals(5.0 + half, ld0.ciHigh(), 1e-9);

        SummaryRow kl0 = s.rows().get(1);
        assertEquals("kl", kl0.metric());
        assertEquals(0.75, kl0.mean(), 1e-12);
        assertEquals(Math.sqrt(0.125), kl0.std(), 1e-12);
        assertEquals(2, kl0.nSeeds());
        assertEquals(3, kl0.nExamples());
        assertEquals(0.75 - T_975_1 * 0.25, kl0.ciLow(), 1e-9);
        assertEquals(0.75 + T_975_1 * 0.25, kl0.ciHigh(), 1e-9);

        SummaryRow ld1 = s.rows().get(2);
        assertEquals(condition(1, "down"), ld1.condition());
        assertEquals(15.0, ld1.mean(), 1e-12);
        assertEquals(1, ld1.nSeeds());
        assertEquals(2, ld1.nExamples());
        assertTrue(Double.isNaN(ld1.std()) && Double.isNaN(ld1.ciLow()) && Double.isNaN(ld1.ciHigh()));

        SummaryRow kl1 = s.rows().get(3);
        assertEquals(0, kl1.nSeeds());
        assertEquals(0, kl1.nExamples());
        assertTrue(Double.isNaN(kl1.mean()));

        assertTrue(s.notes().stream().anyMatch(n -> n.contains("only one seed")), s.notes().toString());
        assertTrue(s.notes().stream().anyMatch(n -> n.contains("no non-NaN value")), s.notes().toString());
        // undefined values counted where the condition has others: layer 1's all-NaN kl is the note above
        assertTrue(s.notes().stream().anyMatch(n -> n.startsWith("logit_diff: 1 of 8 values are NaN")), s.notes().toString());
        assertTrue(s.notes().stream().anyMatch(n -> n.startsWith("kl: 3 of 8 values are NaN")), s.notes().toString());
    }

    @Test
    void singleSeedRunSaysIntervalsAreUndefined() {
        ResultsTable t = new ResultsTable(schema());
        row(t, "a", 7, 0, "up", 1, 2);
        row(t, "b", 7, 0, "up", 3, 4);
        Summary s = SeedLevelSummarizer.summarize(t);
        assertEquals(2.0, s.rows().get(0).mean(), 1e-12);
        assertEquals(1, s.rows().get(0).nSeeds());
        assertTrue(Double.isNaN(s.rows().get(0).ciLow()));
        assertEquals(1, s.notes().size());
        assertTrue(s.notes().get(0).startsWith("Only one seed"), s.notes().get(0));
    }

    @Test
    void groupsByDoubleConditionsAndExtraKeysAndNoConditionsAtAll() {
        ResultsSchema schema = ResultsSchema.builder().condition("scale", ColumnType.DOUBLE).metric("p_drop").build();
        ResultsTable t = new ResultsTable(schema);
        double[][] data = { // seed, scale, value, group (0 = "a", 1 = "b")
            {0, 0.5, 1, 0}, {0, 0.5, 3, 1}, {1, 0.5, 5, 0}, {1, 0.5, 7, 1},
            {0, 1.0, 10, 0}, {1, 1.0, 20, 0},
        };
        for (int i = 0; i < data.length; i++) {
            double[] d = data[i];
            t.newRow().exampleId("x" + i).seed((int) d[0]).group(d[3] == 0 ? "a" : "b")
                    .set("scale", d[1]).set("p_drop", d[2]).append();
        }
        Summary byScale = SeedLevelSummarizer.summarize(t);
        assertEquals(2, byScale.rows().size());
        assertEquals(Map.of("scale", 0.5), byScale.rows().get(0).condition());
        assertEquals(4.0, byScale.rows().get(0).mean(), 1e-12); // per-seed means 2 and 6
        assertEquals(Math.sqrt(8), byScale.rows().get(0).std(), 1e-12);
        assertEquals(Map.of("scale", 1.0), byScale.rows().get(1).condition());
        assertEquals(15.0, byScale.rows().get(1).mean(), 1e-12);

        Summary byScaleAndGroup = SeedLevelSummarizer.summarize(
                schema, t.rows(), List.of("scale", "group"), 0.95);
        assertEquals(3, byScaleAndGroup.rows().size());
        SummaryRow scaleHalfGroupB = byScaleAndGroup.rows().get(1);
        assertEquals("b", scaleHalfGroupB.condition().get("group"));
        assertEquals(5.0, scaleHalfGroupB.mean(), 1e-12); // seeds: 3 and 7

        Summary overall = SeedLevelSummarizer.summarize(schema, t.rows(), List.of(), 0.95);
        assertEquals(1, overall.rows().size());
        // seed 0: (1 + 3 + 10) / 3; seed 1: (5 + 7 + 20) / 3
        assertEquals((14.0 / 3 + 32.0 / 3) / 2, overall.rows().get(0).mean(), 1e-12);
        assertEquals(6, overall.rows().get(0).nExamples());
    }

    @Test
    void emptyTableAndInvalidKeys() {
        Summary s = SeedLevelSummarizer.summarize(new ResultsTable(schema()));
        assertTrue(s.rows().isEmpty());
        assertEquals(List.of("The results table has no rows."), s.notes());
        assertThrows(IllegalArgumentException.class,
                () -> SeedLevelSummarizer.summarize(schema(), List.of(), List.of("seed"), 0.95));
        assertThrows(IllegalArgumentException.class,
                () -> SeedLevelSummarizer.summarize(schema(), List.of(), List.of("kl"), 0.95));
        assertThrows(IllegalArgumentException.class,
                () -> SeedLevelSummarizer.summarize(schema(), List.of(), List.of("nope"), 0.95));
    }

    static Map<String, Object> condition(int layer, String direction) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("layer", layer);
        m.put("direction", direction);
        return m;
    }
}

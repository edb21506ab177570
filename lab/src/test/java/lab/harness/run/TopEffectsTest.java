package lab.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import lab.harness.results.ColumnType;
import lab.harness.results.ResultsSchema;
import lab.harness.results.ResultsTable;
import lab.harness.results.SeedLevelSummarizer;
import lab.harness.results.Summary;
import lab.viz.EffectTable;
import org.junit.jupiter.api.Test;

class TopEffectsTest {

    /** Student t quantile t(0.975, 2 degrees of freedom). */
    private static final double T_975_2 = 4.302652729911275;

    @Test
    void logitDiffRanksByItsChangeFromCleanWithTheIntervalOfTheChange() {
        ResultsTable table = table();
        Summary summary = SeedLevelSummarizer.summarize(table);
        EffectTable top = TopEffects.rank(table, summary, List.of("logit_diff", "kl"), 20);

        assertEquals("logit_diff change", top.effectLabel());
        assertEquals(3, top.conditions());
        assertEquals(List.of("layer=1", "layer=2", "layer=0"), top.rows().stream().map(EffectTable.Row::condition).toList());
        // layer 1, by hand: per-seed mean change over its two examples, then a t interval over the 3 seeds
        double[] perSeed = new double[3];
        for (int seed = 0; seed < 3; seed++) {
            perSeed[seed] = ((ld(1, seed, 0) - cld(seed, 0)) + (ld(1, seed, 1) - cld(seed, 1))) / 2;
        }
        double mean = (perSeed[0] + perSeed[1] + perSeed[2]) / 3;
        double var = 0;
        for (double x : perSeed) {
            var += (x - mean) * (x - mean) / 2;
        }
        double half = T_975_2 * Math.sqrt(var / 3);
        EffectTable.Row first = top.rows().get(0);
        assertEquals(mean, first.effect(), 1e-12);
        assertEquals(mean - half, first.ciLow(), 1e-9);
        assertEquals(mean + half, first.ciHigh(), 1e-9);
        double meanKl = summary.rows().stream().filter(r -> r.metric().equals("kl") && r.condition().get("layer").equals(1))
                .findFirst().orElseThrow().mean();
        assertEquals(mean + 10.5, first.metricMeans().get(0), 1e-9, "mean logit_diff beside (clean averages 10.5)");
        assertEquals(meanKl, first.metricMeans().get(1), 1e-12, "mean kl beside");
        assertEquals(1, TopEffects.rank(table, summary, List.of("logit_diff"), 1).rows().size(), "top n only");
    }

    @Test
    void otherMetricsRankByTheirOwnMean() {
        ResultsTable table = table();
        EffectTable top = TopEffects.rank(table, SeedLevelSummarizer.summarize(table), List.of("kl", "logit_diff"), 2);
        assertEquals("kl", top.effectLabel());
        // kl = 0.1 * layer + small: layer 2 first
        assertEquals(List.of("layer=2", "layer=1"), top.rows().stream().map(EffectTable.Row::condition).toList());
    }

    private static ResultsTable table() {
        ResultsTable table = new ResultsTable(ResultsSchema.builder().condition("layer", ColumnType.INT32)
                .metric("logit_diff").metric("kl").baseline("clean_logit_diff").build());
        for (int layer = 0; layer < 3; layer++) {
            for (int seed = 0; seed < 3; seed++) {
                for (int ex = 0; ex < 2; ex++) {
                    table.append(Map.of("example_id", "e" + seed + ex, "seed", seed, "group", "g", "layer", layer,
                            "logit_diff", ld(layer, seed, ex), "kl", 0.1 * layer + 0.01 * ex, "clean_logit_diff", cld(seed, ex)));
                }
            }
        }
        return table;
    }

    /** Clean logit diffs vary by example and seed; layer 1 pulls hard (about -4), layer 2 less (-2), layer 0 barely. */
    private static double cld(int seed, int ex) {
        return 10 + ex + 0.25 * (seed - 1);
    }

    private static double ld(int layer, int seed, int ex) {
        double[] pull = {-0.1, -4, 2};
        return cld(seed, ex) + pull[layer] + 0.3 * seed * seed - 0.2 * ex;
    }
}

package lab.experiments.heads;

import lab.experiments.ConditionColumn;
import lab.experiments.Experiment;
import lab.experiments.HfPrompt0;
import lab.experiments.PreparedExample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lab.experiments.metrics.AnswerMetrics;
import lab.runtime.Fixtures;
import lab.runtime.Hook;
import lab.runtime.HookedTransformer;
import lab.runtime.Interventions;
import lab.runtime.RunOptions;
import org.junit.jupiter.api.Test;

/**
 * heads_pair_zero against independent computations: each pair against a plain full forward with
 * both heads' hook_z zeroed, the interaction against single-head logits HF transformers computed
 * ({@code p0.head_zero_last_logits}).
 */
class HeadsPairZeroTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Result(Map<String, Object> condition, Map<String, Double> values, Map<String, Double> baselines) {
    }

    private static List<Result> run(Experiment exp, HookedTransformer model, PreparedExample ex) {
        List<Result> rows = new ArrayList<>();
        exp.check(model.config());
        exp.run(model, ex, AnswerMetrics.ALL, (c, v, b) -> rows.add(new Result(c, v, b)));
        return rows;
    }

    @Test
    void everyPairMatchesAPlainForwardWithBothHeadsZeroedAndTheInteractionMatchesHfSingleHeads() throws Exception {
        for (String name : new String[] {"gpt2-tiny", "llama-tiny"}) {
            try (HookedTransformer model = Fixtures.load(name); NDManager m = NDManager.newBaseManager()) {
                HfPrompt0 hf = HfPrompt0.load(name, m);
                PreparedExample ex = hf.example();
                long[] ids = ex.clean();
                List<Result> rows = run(HeadsPairZero.fromParams(JSON.readTree("{\"pairs\": \"all\", \"batch_size\": 5}")), model, ex);
                int heads = model.config().nLayers() * model.config().nHeads();
                assertEquals(heads * (heads - 1) / 2, rows.size(), name);
                AnswerMetrics expected = new AnswerMetrics(hf.cleanLast(), ex.target(), ex.foil());
                NDArray hfSingle = hf.headZeroLast();
                for (Result r : rows) {
                    int la = (Integer) r.condition().get("layer_a");
                    int ha = (Integer) r.condition().get("head_a");
                    int lb = (Integer) r.condition().get("layer_b");
                    int hb = (Integer) r.condition().get("head_b");
                    assertTrue(la < lb || (la == lb && ha < hb), "earlier head first: " + r.condition());
                    assertEquals(List.of("layer_a", "head_a", "layer_b", "head_b"), List.copyOf(r.condition().keySet()));
                    Hook[] hooks = la == lb
                            ? new Hook[] {Hook.replacing("blocks." + la + ".attn.hook_z", Interventions.scaleHeads(2, Map.of(ha, 0.0, hb, 0.0)))}
                            : new Hook[] {Hook.replacing("blocks." + la + ".attn.hook_z", Interventions.zeroHead(ha)),
                                          Hook.replacing("blocks." + lb + ".attn.hook_z", Interventions.zeroHead(hb))};
                    float[] pair = model.run(m, model.tokens(m, ids), RunOptions.defaults().withHooks(hooks)).output()
                            .get(new NDIndex("0, -1")).toFloatArray();
                    String where = name + " pair " + r.condition();
                    for (String metric : AnswerMetrics.ALL) {
                        assertEquals(expected.value(metric, pair), r.values().get(metric), 1e-3, where + " " + metric);
                    }
                    double clean = expected.cleanLogitDiff();
                    double a = expected.value(AnswerMetrics.LOGIT_DIFF, hfSingle.get(la, ha).toFloatArray());
                    double b = expected.value(AnswerMetrics.LOGIT_DIFF, hfSingle.get(lb, hb).toFloatArray());
                    double pairLd = expected.value(AnswerMetrics.LOGIT_DIFF, pair);
                    assertEquals((pairLd - clean) - (a - clean) - (b - clean), r.values().get(HeadsPairZero.INTERACTION), 1e-3, where);
                    assertEquals(clean, r.baselines().get(AnswerMetrics.CLEAN_LOGIT_DIFF), 1e-3, where);
                }
                double largest = rows.stream().mapToDouble(r -> Math.abs(r.values().get(HeadsPairZero.INTERACTION))).max().orElseThrow();
                assertTrue(largest > 1e-3, name + ": no pair interacted, so the comparison proves little");
            }
        }
    }

    @Test
    void interactionIsThePairEffectMinusBothSingleEffects() {
        // clean 4.0; a alone 3.0 (effect -1), b alone 2.5 (effect -1.5), both -1.0 (effect -5): -5 + 1 + 1.5
        assertEquals(-2.5, HeadsPairZero.interaction(4.0, -1.0, 3.0, 2.5), 1e-12);
        // exactly additive effects interact by 0
        assertEquals(0.0, HeadsPairZero.interaction(4.0, 1.5, 3.0, 2.5), 1e-12);
        // a backup that fully takes over: each alone changes nothing, both together lose 6
        assertEquals(-6.0, HeadsPairZero.interaction(6.0, 0.0, 6.0, 6.0), 1e-12);
    }

    @Test
    void namedSelectionsAndTheScaleColumn() throws Exception {
        try (HookedTransformer model = Fixtures.load("gpt2-tiny")) {
            int[] counts = new int[3];
            String[] named = {"all", "within_layer", "across_layers"};
            for (int i = 0; i < 3; i++) {
                HeadsPairZero exp = HeadsPairZero.fromParams(JSON.readTree("{\"pairs\": \"" + named[i] + "\"}"));
                exp.check(model.config());
                counts[i] = exp.pairs().size();
                for (int[] p : exp.pairs()) {
                    assertTrue(named[i].equals("all") || (p[0] == p[2]) == named[i].equals("within_layer"), named[i]);
                }
            }
            // 2 layers of 4 heads: 28 pairs, 2 x 6 within a layer, 4 x 4 across
            assertEquals(List.of(28, 12, 16), List.of(counts[0], counts[1], counts[2]));
            HeadsPairZero scaled = HeadsPairZero.fromParams(JSON.readTree("{\"pairs\": [[1, 3, 0, 2]], \"scale\": 0.5}"));
            assertEquals(List.of("layer_a", "head_a", "layer_b", "head_b", "scale"),
                    scaled.conditionColumns().stream().map(ConditionColumn::name).toList());
            long[] ids = Fixtures.ids(Fixtures.referenceJson("gpt2-tiny").get("clean_ids"));
            List<Result> rows = run(scaled, model, new PreparedExample("c", "g", ids, ids, 5, 6));
            assertEquals(1, rows.size());
            assertEquals(Map.of("layer_a", 0, "head_a", 2, "layer_b", 1, "head_b", 3, "scale", 0.5), rows.get(0).condition());
            try (NDManager m = NDManager.newBaseManager()) {
                float[] both = model.run(m, model.tokens(m, ids), RunOptions.defaults().withHooks(
                        Hook.replacing("blocks.0.attn.hook_z", Interventions.scaleHeads(2, Map.of(2, 0.5))),
                        Hook.replacing("blocks.1.attn.hook_z", Interventions.scaleHeads(2, Map.of(3, 0.5))))).output()
                        .get(new NDIndex("0, -1")).toFloatArray();
                assertEquals((double) both[5] - both[6], rows.get(0).values().get(AnswerMetrics.LOGIT_DIFF), 1e-4);
            }
        }
    }

    @Test
    void badPairParametersAreOneClearErrorEach() throws Exception {
        String[][] atParse = {
            {"{\"pairs\": []}", "experiment.pairs is an empty list"},
            {"{}", "experiment names no pairs"},
            {"{\"pairs\": \"all\", \"from_run\": \"runs/x\", \"top_k\": 3}", "both pairs and from_run"},
            {"{\"pairs\": \"some\"}", "experiment.pairs is 'some'"},
            {"{\"pairs\": [[0, 1, 0]]}", "each pair is [layer1, head1, layer2, head2]"},
            {"{\"pairs\": [[0, 1, 0, 1]]}", "pairs a head with itself"},
            {"{\"pairs\": [[0, 1, 1, 2], [1, 2, 0, 1]]}", "lists [1,2,0,1] twice"},
            {"{\"pairs\": \"all\", \"top_k\": 3}", "experiment.top_k only applies with experiment.from_run"},
            {"{\"from_run\": \"runs/x\"}", "needs experiment.top_k"},
            {"{\"from_run\": \"runs/x\", \"top_k\": 3, \"metric\": \"loss\"}", "experiment.metric is 'loss'"},
            {"{\"pairs\": \"all\", \"scale\": \"half\"}", "experiment.scale is \"half\""},
            {"{\"pairs\": \"all\", \"reference\": \"train\"}", "experiment.reference only applies to mean ablation"},
        };
        for (String[] c : atParse) {
            var e = assertThrows(IllegalArgumentException.class, () -> HeadsPairZero.fromParams(JSON.readTree(c[0])), c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
        }
        try (HookedTransformer model = Fixtures.load("gpt2-tiny")) {
            for (String[] c : new String[][] {
                {"{\"pairs\": [[0, 1, 2, 0]]}", "[2, 0] but the model has 2 layers of 4 heads"},
                {"{\"pairs\": [[0, 4, 1, 0]]}", "[0, 4] but the model has 2 layers of 4 heads"}}) {
                HeadsPairZero exp = HeadsPairZero.fromParams(JSON.readTree(c[0]));
                var e = assertThrows(IllegalArgumentException.class, () -> exp.check(model.config()), c[0]);
                assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
            }
        }
    }
}

package lab.experiments.inspection;

import lab.experiments.PreparedExample;
import lab.experiments.UnembedByHand;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import lab.experiments.metrics.AnswerMetrics;
import lab.runtime.Fixtures;
import lab.runtime.HookedTransformer;
import org.junit.jupiter.api.Test;

/** logit_lens against HF's own logits (last layer) and HF's hidden states unembedded by hand (other layers). */
class LogitLensTest {

    private static final List<String> METRICS = List.of(AnswerMetrics.LOGIT_DIFF, LogitLens.TARGET_RANK);

    @Test
    void everyLayerMatchesHfHiddenStatesThroughTheFinalNormByHand() throws Exception {
        for (String name : Fixtures.MODELS) {
            try (HookedTransformer model = Fixtures.load(name); NDManager m = NDManager.newBaseManager()) {
                Map<String, NDArray> ref = Fixtures.referenceTensors(m, name);
                long[] ids = Fixtures.ids(Fixtures.referenceJson(name).get("prompts").get(0).get("ids"));
                int positions = ids.length;
                int layers = model.config().nLayers();
                NDArray hfLogits = ref.get("p0.logits");
                float[] last = hfLogits.get(positions - 1).toFloatArray();
                long target = argMax(last);
                long foil = target == 7 ? 8 : 7;
                Map<String, Map<String, Double>> got = new HashMap<>();
                Map<String, Double> clean = new HashMap<>();
                LogitLens.fromParams(new ObjectMapper().readTree("{}")).run(model,
                        new PreparedExample("p0", "g", ids, ids, target, foil), METRICS, (c, v, b) -> {
                            got.put(c.get("layer") + "/" + c.get("position"), v);
                            clean.putAll(b);
                        });
                assertEquals((layers + 1) * positions, got.size(), name);
                double hfDiff = (double) last[(int) target] - last[(int) foil];
                assertEquals(hfDiff, clean.get(AnswerMetrics.CLEAN_LOGIT_DIFF), 1e-3, name);
                // the final residual is the model's output: HF's logits at every position
                for (int p = 0; p < positions; p++) {
                    float[] logits = hfLogits.get(p).toFloatArray();
                    Map<String, Double> v = got.get(layers + "/" + p);
                    assertEquals((double) logits[(int) target] - logits[(int) foil], v.get(AnswerMetrics.LOGIT_DIFF), 1e-3,
                            name + " final layer, position " + p);
                    assertEquals(rank(logits, target), v.get(LogitLens.TARGET_RANK), 0.0, name + " rank at " + p);
                }
                assertEquals(0.0, got.get(layers + "/" + (positions - 1)).get(LogitLens.TARGET_RANK), name);
                // earlier layers: HF's hidden_states[l] is the residual entering block l
                UnembedByHand byHand = new UnembedByHand(model);
                NDArray hidden = ref.get("p0.hidden_states");
                double spread = 0;
                for (int l = 0; l < layers; l++) {
                    for (int p = 0; p < positions; p++) {
                        double expected = byHand.logitDiff(hidden.get(l, p).toFloatArray(), target, foil);
                        double actual = got.get(l + "/" + p).get(AnswerMetrics.LOGIT_DIFF);
                        assertEquals(expected, actual, 1e-3 * Math.max(1, Math.abs(expected)), name + " layer " + l + " position " + p);
                        spread += Math.abs(actual - got.get(layers + "/" + p).get(AnswerMetrics.LOGIT_DIFF));
                    }
                }
                assertTrue(spread > 1e-3, name + ": the lens should differ between layers");
            }
        }
    }

    @Test
    void lastPositionOnlyReportsTheLastPositionAndUnknownMetricsAreRefused() throws Exception {
        try (HookedTransformer model = Fixtures.load("gpt2-tiny")) {
            long[] ids = Fixtures.ids(Fixtures.referenceJson("gpt2-tiny").get("clean_ids"));
            Map<String, Double> all = new HashMap<>();
            Map<String, Double> lastOnly = new HashMap<>();
            PreparedExample ex = new PreparedExample("c", "g", ids, ids, 5, 6);
            LogitLens.fromParams(new ObjectMapper().readTree("{}")).run(model, ex, List.of(AnswerMetrics.LOGIT_DIFF),
                    (c, v, b) -> all.put(c.get("layer") + "/" + c.get("position"), v.get(AnswerMetrics.LOGIT_DIFF)));
            LogitLens.fromParams(new ObjectMapper().readTree("{\"position\": \"last\"}")).run(model, ex, List.of(AnswerMetrics.LOGIT_DIFF),
                    (c, v, b) -> lastOnly.put(c.get("layer") + "/" + c.get("position"), v.get(AnswerMetrics.LOGIT_DIFF)));
            assertEquals(model.config().nLayers() + 1, lastOnly.size());
            lastOnly.forEach((key, value) -> assertEquals(all.get(key), value, 1e-4, key));
            // counted from the end, the last position is -1 whatever the prompt's length
            Map<String, Double> fromEnd = new HashMap<>();
            LogitLens.fromParams(new ObjectMapper().readTree("{\"position\": \"last\", \"align\": \"end\"}")).run(model, ex,
                    List.of(AnswerMetrics.LOGIT_DIFF), (c, v, b) -> fromEnd.put(c.get("layer") + "/" + c.get("position"), v.get(AnswerMetrics.LOGIT_DIFF)));
            for (int l = 0; l <= model.config().nLayers(); l++) {
                assertEquals(all.get(l + "/" + (ids.length - 1)), fromEnd.get(l + "/-1"), 1e-4, "layer " + l);
            }
            assertEquals(model.config().nLayers() + 1, fromEnd.size());
            var e = assertThrows(IllegalArgumentException.class,
                    () -> new LogitLens(false, false).checkMetrics(List.of(AnswerMetrics.KL)));
            assertTrue(e.getMessage().contains("'kl'") && e.getMessage().contains("logit_lens"), e.getMessage());
        }
    }

    static double rank(float[] logits, long token) {
        int above = 0;
        for (float v : logits) {
            above += v > logits[(int) token] ? 1 : 0;
        }
        return above;
    }

    static int argMax(float[] a) {
        int best = 0;
        for (int i = 1; i < a.length; i++) {
            if (a[i] > a[best]) {
                best = i;
            }
        }
        return best;
    }
}

package lab.experiments.inspection;

import lab.experiments.PreparedExample;
import lab.experiments.UnembedByHand;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import lab.experiments.metrics.AnswerMetrics;
import lab.runtime.Fixtures;
import lab.runtime.HookedTransformer;
import org.junit.jupiter.api.Test;

/** logit_attribution: the parts sum to HF's logit difference on every fixture family. */
class LogitAttributionTest {

    @Test
    void partsSumToTheLogitDifferenceHfComputes() throws Exception {
        for (String name : Fixtures.MODELS) {
            try (HookedTransformer model = Fixtures.load(name); NDManager m = NDManager.newBaseManager()) {
                for (int prompt = 0; prompt < 2; prompt++) {
                    long[] ids = Fixtures.ids(Fixtures.referenceJson(name).get("prompts").get(prompt).get("ids"));
                    float[] last = Fixtures.referenceTensors(m, name).get("p" + prompt + ".logits").get(ids.length - 1).toFloatArray();
                    long target = LogitLensTest.argMax(last);
                    long foil = target == 7 ? 8 : 7;
                    double hf = (double) last[(int) target] - last[(int) foil];
                    List<Map<String, Object>> conditions = new ArrayList<>();
                    Map<String, Double> byPart = new HashMap<>();
                    double[] clean = new double[1];
                    LogitAttribution.fromParams(new ObjectMapper().readTree("{}")).run(model,
                            new PreparedExample("p", "g", ids, ids, target, foil), List.of(AnswerMetrics.LOGIT_DIFF), (c, v, b) -> {
                                conditions.add(c);
                                byPart.put(c.get("component") + "/" + c.get("layer") + "/" + c.get("head"), v.get(AnswerMetrics.LOGIT_DIFF));
                                clean[0] = b.get(AnswerMetrics.CLEAN_LOGIT_DIFF);
                            });
                    int layers = model.config().nLayers();
                    int heads = model.config().nHeads();
                    boolean learned = model.config().positional() == lab.runtime.ModelConfig.Positional.LEARNED;
                    assertEquals(layers * heads + layers + 2 + (learned ? 1 : 0), conditions.size(), name);
                    assertEquals(learned, byPart.containsKey("pos_embed/-1/-1"), name);
                    double sum = byPart.values().stream().mapToDouble(Double::doubleValue).sum();
                    assertEquals(hf, sum, 1e-4, name + " prompt " + prompt + ": parts " + byPart);
                    assertEquals(hf, clean[0], 1e-4, name);
                    if (name.equals("llama-tiny")) {
                        assertEquals(0.0, byPart.get("bias/-1/-1"), 0.0, "llama has no biases");
                    }
                    long distinct = byPart.values().stream().map(v -> Math.round(v * 1e6)).distinct().count();
                    assertTrue(distinct > conditions.size() / 2, name + ": parts should differ");
                }
            }
        }
    }

    @Test
    void aHeadsContributionIsTheLogitChangeOfRemovingItUnderTheFrozenNorm() throws Exception {
        // Independent of ResidualParts: the head's output is what zeroing its hook_z at the last
        // position takes out of hook_attn_out there (the MLP after it would react too, so the
        // attention output is read, not the final residual); read through the clean final
        // residual's norm scale by hand, that is the head's direct contribution.
        String name = "gpt2-tiny";
        try (HookedTransformer model = Fixtures.load(name); NDManager m = NDManager.newBaseManager()) {
            long[] ids = Fixtures.ids(Fixtures.referenceJson(name).get("clean_ids"));
            long target = 5;
            long foil = 6;
            int layer = model.config().nLayers() - 1;
            Map<String, Double> byPart = new HashMap<>();
            new LogitAttribution().run(model, new PreparedExample("c", "g", ids, ids, target, foil), List.of(AnswerMetrics.LOGIT_DIFF),
                    (c, v, b) -> byPart.put(c.get("component") + "/" + c.get("layer") + "/" + c.get("head"), v.get(AnswerMetrics.LOGIT_DIFF)));
            float[] clean = finalResidual(model, m, ids, "blocks." + layer + ".hook_resid_post", null);
            String attnOut = "blocks." + layer + ".hook_attn_out";
            float[] cleanAttn = finalResidual(model, m, ids, attnOut, null);
            UnembedByHand byHand = new UnembedByHand(model);
            for (int h = 0; h < model.config().nHeads(); h++) {
                float[][] factors = {new float[model.config().nHeads()]};
                java.util.Arrays.fill(factors[0], 1f);
                factors[0][h] = 0f;
                float[] without = finalResidual(model, m, ids, attnOut, lab.runtime.Hook.replacing("blocks." + layer + ".attn.hook_z",
                        lab.runtime.Interventions.scaleHeadsPerRowAt(factors, -1)));
                float[] delta = new float[clean.length];
                double mean = 0;
                for (int i = 0; i < clean.length; i++) {
                    delta[i] = cleanAttn[i] - without[i];
                    mean += delta[i];
                }
                mean /= clean.length;
                // frozen LayerNorm: (delta - mean(delta)) / scale_clean * w . (W_U[t] - W_U[f])
                double scale = cleanScale(clean, model.config().normEps());
                float[] w = UnembedByHand.floats(model.weights().require("ln_final.w"));
                double[] normed = new double[clean.length];
                for (int i = 0; i < clean.length; i++) {
                    normed[i] = (delta[i] - mean) / scale * w[i];
                }
                double expected = byHand.logit(normed, target) - byHand.logit(normed, foil)
                        - (unembedBias(model, target) - unembedBias(model, foil));
                assertEquals(expected, byPart.get("head/" + layer + "/" + h), 1e-4, "head " + h);
            }
        }
    }

    private static float[] finalResidual(HookedTransformer model, NDManager m, long[] ids, String name, lab.runtime.Hook hook) {
        var options = lab.runtime.RunOptions.defaults().caching(name);
        if (hook != null) {
            options = options.withHooks(hook);
        }
        return model.run(m, model.tokens(m, ids), options).cache().get(name).get(new ai.djl.ndarray.index.NDIndex("0, -1")).toFloatArray();
    }

    private static double cleanScale(float[] x, double eps) {
        double mean = 0;
        for (float v : x) {
            mean += v;
        }
        mean /= x.length;
        double sq = 0;
        for (float v : x) {
            sq += (v - mean) * (v - mean);
        }
        return Math.sqrt(sq / x.length + eps);
    }

    private static double unembedBias(HookedTransformer model, long token) {
        var b = model.weights().get("unembed.b_U");
        return b == null ? 0 : UnembedByHand.floats(b)[(int) token];
    }
}

package lab.experiments.patching;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import lab.experiments.Experiment;
import lab.experiments.PreparedExample;
import lab.experiments.metrics.AnswerMetrics;
import lab.runtime.Fixtures;
import lab.runtime.HookedTransformer;
import lab.runtime.ModelConfig;
import lab.runtime.RunOptions;

/**
 * For the AtP* tests: a fixture model whose last layer's attention saturates, how far AtP* and
 * plain AtP land from the exact patch on a model, and the rows of a patching experiment by condition.
 */
final class SaturatedAttention {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> METRICS = List.of(AnswerMetrics.LOGIT_DIFF);
    private static final long TARGET = 5;
    private static final long FOIL = 7;

    private SaturatedAttention() {
    }

    /**
     * {AtP*, plain AtP}: their mean |error| against the exact patch over the conditions of
     * {@code params} (a JSON object without its closing brace or layers), patched in the last layer
     * of gpt2-sharp with that layer's scores multiplied by 16, its softmax rows near one-hot
     * (checked: mean largest weight above 0.9 on the corrupt prompt).
     */
    static double[] errorsInSaturatedLastLayer(String params) throws Exception {
        var ref = Fixtures.referenceJson("gpt2-sharp");
        long[] clean = Fixtures.ids(ref.get("clean_ids"));
        long[] corrupt = Fixtures.ids(ref.get("corrupt_ids"));
        try (HookedTransformer base = Fixtures.load("gpt2-sharp"); NDManager m = NDManager.newBaseManager()) {
            int last = base.config().nLayers() - 1;
            // shares base's weights: closed with base
            HookedTransformer hot = new HookedTransformer(lastLayerScaled(base.config(), 16), base.weights(),
                    base.tokenizer(), base.device());
            double largestWeight = meanLargestWeight(hot, m, corrupt, last);
            assertTrue(largestWeight > 0.9, "the premise: attention is saturated, mean largest weight " + largestWeight);
            return meanErrors(hot, clean, corrupt, params + ", \"layers\": [" + last + "]");
        }
    }

    /**
     * Mean |estimate - exact patch| of logit_diff over the conditions of {@code params} (a JSON
     * object without its closing brace): {AtP*, plain AtP}.
     */
    private static double[] meanErrors(HookedTransformer model, long[] clean, long[] corrupt, String params) throws Exception {
        Map<Object, Double> exact = byCondition(logitDiffs(ActivationPatch.fromParams(JSON.readTree(params + "}")), model, clean, corrupt));
        Map<Object, Double> star = byCondition(logitDiffs(AttributionPatch.fromParams(JSON.readTree(params + ", \"method\": \"atp_star\"}")),
                model, clean, corrupt));
        Map<Object, Double> atp = byCondition(logitDiffs(AttributionPatch.fromParams(JSON.readTree(params + ", \"method\": \"atp\"}")),
                model, clean, corrupt));
        double starError = 0;
        double atpError = 0;
        for (var e : exact.entrySet()) {
            starError += Math.abs(star.get(e.getKey()) - e.getValue());
            atpError += Math.abs(atp.get(e.getKey()) - e.getValue());
        }
        System.out.printf("saturated %s: %d patches, mean |error| AtP* %.4f, AtP %.4f%n", params, exact.size(),
                starError / exact.size(), atpError / exact.size());
        return new double[] {starError / exact.size(), atpError / exact.size()};
    }

    /** Every row's logit_diff by condition (asymmetry rows left out), target 5 and foil 7 as in the fixtures' tests. */
    static List<Map.Entry<Map<String, Object>, Double>> logitDiffs(Experiment experiment, HookedTransformer model,
                                                                  long[] clean, long[] corrupt) {
        experiment.check(model.config());
        List<Map.Entry<Map<String, Object>, Double>> rows = new ArrayList<>();
        experiment.run(model, new PreparedExample("pair", "g", clean, corrupt, TARGET, FOIL), METRICS, (c, v, b) -> {
            if (!c.get("direction").equals(PatchDirection.ASYMMETRY)) {
                rows.add(Map.entry(c, v.get(AnswerMetrics.LOGIT_DIFF)));
            }
        });
        return rows;
    }

    private static Map<Object, Double> byCondition(List<Map.Entry<Map<String, Object>, Double>> rows) {
        Map<Object, Double> out = new HashMap<>();
        rows.forEach(r -> out.put(r.getKey(), r.getValue()));
        return out;
    }

    /** Mean over a layer's heads and query positions of a pattern row's largest weight. */
    private static double meanLargestWeight(HookedTransformer model, NDManager m, long[] prompt, int layer) {
        String hook = "blocks." + layer + ".attn.hook_pattern";
        NDArray largest = model.run(m, model.tokens(m, prompt), RunOptions.defaults().caching(hook)).cache().get(hook)
                .max(new int[] {-1});
        return largest.sum().getFloat() / largest.size();
    }

    private static ModelConfig lastLayerScaled(ModelConfig c, double factor) {
        double[] scale = c.attentionScale();
        scale[scale.length - 1] *= factor;
        return new ModelConfig(c.family(), c.nLayers(), c.nHeads(), c.nKvHeads(), c.dModel(), c.dHead(), c.dMlp(),
                c.vocabSize(), c.contextLength(), c.norm(), c.normEps(), c.positional(), c.rotaryDim(), c.ropeTheta(),
                c.parallelResidual(), c.activation(), c.gatedMlp(), scale, c.attentionWindow(), c.tiedEmbeddings(),
                c.bosTokenId(), c.ropeScaling());
    }
}

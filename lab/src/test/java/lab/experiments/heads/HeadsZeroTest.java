package lab.experiments.heads;

import lab.experiments.Experiments;
import lab.experiments.HfPrompt0;
import lab.experiments.PreparedExample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lab.experiments.metrics.AnswerMetrics;
import lab.runtime.Fixtures;
import lab.runtime.HookedTransformer;
import org.junit.jupiter.api.Test;

/** heads_zero against the head ablations HF transformers computed for the fixtures. */
class HeadsZeroTest {

    private static final List<String> METRICS = AnswerMetrics.ALL;

    @Test
    void zeroAblationMetricsMatchThoseOfHfAblatedLogits() throws Exception {
        for (String name : new String[] {"gpt2-tiny", "llama-tiny"}) {
            try (HookedTransformer model = Fixtures.load(name); NDManager m = NDManager.newBaseManager()) {
                HfPrompt0 hf = HfPrompt0.load(name, m);
                PreparedExample ex = hf.example();
                float[] cleanLast = hf.cleanLast();
                List<Object[]> rows = new ArrayList<>();
                HeadsZero exp = HeadsZero.fromParams(new ObjectMapper().readTree("{\"scales\": [0.0, 1.0], \"batch_size\": 3}"));
                exp.run(model, ex, METRICS, (c, v, b) -> rows.add(new Object[] {c, v, b}));
                int layers = model.config().nLayers();
                int heads = model.config().nHeads();
                assertEquals(layers * heads * 2, rows.size());
                AnswerMetrics expected = new AnswerMetrics(cleanLast, ex.target(), ex.foil());
                NDArray ablated = hf.headZeroLast();
                for (Object[] row : rows) {
                    @SuppressWarnings("unchecked") Map<String, Object> c = (Map<String, Object>) row[0];
                    @SuppressWarnings("unchecked") Map<String, Double> v = (Map<String, Double>) row[1];
                    @SuppressWarnings("unchecked") Map<String, Double> b = (Map<String, Double>) row[2];
                    assertEquals(expected.cleanLogitDiff(), b.get(AnswerMetrics.CLEAN_LOGIT_DIFF), 1e-3);
                    int l = (Integer) c.get("layer");
                    int h = (Integer) c.get("head");
                    double scale = (Double) c.get("scale");
                    float[] reference = scale == 0.0 ? ablated.get(l, h).toFloatArray() : cleanLast;
                    for (String metric : METRICS) {
                        assertEquals(expected.value(metric, reference), v.get(metric), 2e-3,
                                name + " " + metric + " at layer " + l + " head " + h + " scale " + scale);
                    }
                }
                double totalKl = rows.stream().mapToDouble(r -> ((Map<String, Double>) r[1]).get(AnswerMetrics.KL)).sum();
                assertTrue(totalKl > 1e-4, "ablations changed nothing");
            }
        }
    }

    /**
     * On the sharp fixtures the ablations are large (kl and p_drop well above any absolute slack,
     * top tokens flip), so each metric is checked against one computed here, independently of
     * AnswerMetrics, from HF's clean and head-zeroed (scale 0) or head-halved (scale 0.5) logits, to a
     * tolerance relative to its value.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"gpt2-sharp", "pythia-sharp", "llama-sharp", "gptneo-sharp",
        "qwen2-sharp", "mistral-sharp"})
    void metricsOfLargeAblationsMatchThoseComputedFromHfLogits(String name) throws Exception {
        try (HookedTransformer model = Fixtures.load(name); NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> ref = Fixtures.referenceTensors(m, name);
            long[] ids = Fixtures.ids(Fixtures.referenceJson(name).get("prompts").get(0).get("ids"));
            float[] cleanLast = ref.get("p0.logits").get(ids.length - 1).toFloatArray();
            int target = argMax(cleanLast);
            int foil = secondBest(cleanLast, target);
            List<Object[]> rows = new ArrayList<>();
            HeadsZero.fromParams(new ObjectMapper().readTree("{\"scales\": [0.0, 0.5], \"batch_size\": 5}")).run(model,
                    new PreparedExample("p0", "g", ids, ids, target, foil), METRICS,
                    (c, v, b) -> rows.add(new Object[] {c, v, b}));
            NDArray zeroed = ref.get("p0.head_zero_last_logits");
            NDArray halved = ref.get("p0.head_half_last_logits");
            assertEquals(model.config().nLayers() * model.config().nHeads() * 2, rows.size());
            double[] pClean = softmax(cleanLast);
            double maxKl = 0;
            double maxPDrop = 0;
            int flips = 0;
            int klDirectionMatters = 0;
            for (Object[] row : rows) {
                @SuppressWarnings("unchecked") Map<String, Object> c = (Map<String, Object>) row[0];
                @SuppressWarnings("unchecked") Map<String, Double> v = (Map<String, Double>) row[1];
                @SuppressWarnings("unchecked") Map<String, Double> baseline = (Map<String, Double>) row[2];
                assertRelative((double) cleanLast[target] - cleanLast[foil], baseline.get(AnswerMetrics.CLEAN_LOGIT_DIFF),
                        name + " clean_logit_diff");
                int l = (Integer) c.get("layer");
                int h = (Integer) c.get("head");
                double scale = (Double) c.get("scale");
                float[] hf = (scale == 0.0 ? zeroed : halved).get(l, h).toFloatArray();
                double[] pAblated = softmax(hf);
                double kl = 0;
                double reverseKl = 0;
                for (int i = 0; i < pClean.length; i++) {
                    kl += pClean[i] * Math.log(pClean[i] / pAblated[i]);
                    reverseKl += pAblated[i] * Math.log(pAblated[i] / pClean[i]);
                }
                double pDrop = pClean[target] - pAblated[target];
                double logitDiff = (double) hf[target] - hf[foil];
                double flip = argMax(hf) == target ? 0.0 : 1.0;
                String where = name + " layer " + l + " head " + h + " scale " + scale;
                assertRelative(logitDiff, v.get(AnswerMetrics.LOGIT_DIFF), where + " logit_diff");
                assertRelative(kl, v.get(AnswerMetrics.KL), where + " kl (clean || ablated)");
                assertRelative(pDrop, v.get(AnswerMetrics.P_DROP), where + " p_drop");
                assertEquals(flip, v.get(AnswerMetrics.ACC_FLIP_RATE), where + " acc_flip_rate");
                maxKl = Math.max(maxKl, kl);
                maxPDrop = Math.max(maxPDrop, pDrop);
                flips += (int) flip;
                // KL(ablated || clean) would fail the check above by 10x its tolerance
                if (Math.abs(kl - reverseKl) > 10 * relativeTolerance(kl)) {
                    klDirectionMatters++;
                }
            }
            // the cases must be ones where a wrong metric would show
            assertTrue(maxKl > 0.01, name + ": largest kl only " + maxKl);
            assertTrue(maxPDrop > 0.01, name + ": largest p_drop only " + maxPDrop);
            assertTrue(flips > 0, name + ": no ablation flips the top token");
            assertTrue(klDirectionMatters > 0, name + ": kl in either direction agrees, so its direction is unchecked");
        }
    }

    /** Our forward agrees with HF's to ~1e-5 of the largest logit; metrics derived from it to 1e-3 of their size. */
    private static void assertRelative(double expected, double actual, String what) {
        assertEquals(expected, actual, relativeTolerance(expected), what);
    }

    private static double relativeTolerance(double expected) {
        return 1e-3 * Math.abs(expected) + 1e-7;
    }

    private static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float x : logits) {
            max = Math.max(max, x);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    private static int secondBest(float[] a, int best) {
        int second = best == 0 ? 1 : 0;
        for (int i = 0; i < a.length; i++) {
            if (i != best && a[i] > a[second]) {
                second = i;
            }
        }
        return second;
    }

    /** position "last" scales the head's output at the last position only. */
    @Test
    void lastPositionOnlyMatchesAPerPositionHook() throws Exception {
        try (HookedTransformer model = Fixtures.load("gpt2-tiny"); NDManager m = NDManager.newBaseManager()) {
            long[] ids = Fixtures.ids(Fixtures.referenceJson("gpt2-tiny").get("clean_ids"));
            PreparedExample ex = new PreparedExample("c", "g", ids, ids, 5, 6);
            List<Map<String, Double>> got = new ArrayList<>();
            HeadsZero.fromParams(new ObjectMapper().readTree("{\"scales\": [0.0], \"heads\": [[0, 1]], \"position\": \"last\"}"))
                    .run(model, ex, List.of(AnswerMetrics.LOGIT_DIFF), (c, v, b) -> got.add(v));
            // the same intervention by hand: zero head 1's hook_z at the last position only
            NDArray logits = model.run(m, model.tokens(m, ids), lab.runtime.RunOptions.defaults().withHooks(
                    lab.runtime.Hook.replacing("blocks.0.attn.hook_z", z -> {
                        NDArray keep = z.duplicate();
                        keep.set(new ai.djl.ndarray.index.NDIndex(":, -1, 1, :"), 0f);
                        return keep;
                    }))).output();
            float[] last = logits.get(new ai.djl.ndarray.index.NDIndex("0, -1")).toFloatArray();
            assertEquals(1, got.size());
            assertEquals((double) last[5] - last[6], got.get(0).get(AnswerMetrics.LOGIT_DIFF), 1e-4);
            float[] everywhere = model.run(m, model.tokens(m, ids), lab.runtime.RunOptions.defaults().withHooks(
                    lab.runtime.Hook.replacing("blocks.0.attn.hook_z", lab.runtime.Interventions.zeroHead(1)))).output()
                    .get(new ai.djl.ndarray.index.NDIndex("0, -1")).toFloatArray();
            assertTrue(Math.abs((everywhere[5] - everywhere[6]) - (last[5] - last[6])) > 1e-4, "last-only should differ from all positions");
        }
    }

    @Test
    void badParametersAreClearErrors() throws Exception {
        ObjectMapper json = new ObjectMapper();
        var empty = assertThrows(IllegalArgumentException.class, () -> HeadsZero.fromParams(json.readTree("{\"scales\": []}")));
        assertTrue(empty.getMessage().contains("experiment.scales is empty"));
        HeadsZero outOfRange = HeadsZero.fromParams(json.readTree("{\"scales\": [0], \"heads\": [[2, 0]]}"));
        try (HookedTransformer model = Fixtures.load("gpt2-tiny")) {
            var e = assertThrows(IllegalArgumentException.class, () -> outOfRange.check(model.config()));
            assertTrue(e.getMessage().contains("[2, 0]") && e.getMessage().contains("2 layers"), e.getMessage());
        }
        var unknown = assertThrows(IllegalArgumentException.class, () -> Experiments.create("heads_zer", json.readTree("{}")));
        assertTrue(unknown.getMessage().contains("known: ") && unknown.getMessage().contains("heads_zero"), unknown.getMessage());
    }

    private static int argMax(float[] a) {
        int best = 0;
        for (int i = 1; i < a.length; i++) {
            if (a[i] > a[best]) {
                best = i;
            }
        }
        return best;
    }
}

package lab.experiments.heads;

import lab.experiments.FinishedRun;
import lab.experiments.PreparedExample;
import lab.experiments.RunInputs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import lab.experiments.metrics.AnswerMetrics;
import lab.runtime.Fixtures;
import lab.runtime.Hook;
import lab.runtime.HookedTransformer;
import lab.runtime.RunOptions;
import org.junit.jupiter.api.Test;

/**
 * heads_zero with {@code "ablation": "mean"} against an independent computation: the means taken by
 * hand from plain forwards over the reference prompts, then one plain full forward whose hook_z
 * hook rewrites the head's values in Java.
 */
class MeanAblationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Stands in for the harness: the run's examples and one reference set named "train". */
    static RunInputs inputs(List<PreparedExample> examples, List<PreparedExample> train) {
        return new RunInputs() {
            @Override
            public List<PreparedExample> examples() {
                return examples;
            }

            @Override
            public List<PreparedExample> reference(String spec) {
                if (!spec.equals("train")) {
                    throw new IllegalArgumentException("'" + spec + "' is not a subset");
                }
                return train;
            }

            @Override
            public FinishedRun finishedRun(String directory) {
                throw new IllegalArgumentException("no runs here");
            }

            @Override
            public List<long[]> corpusPrompts() {
                throw new IllegalArgumentException("no corpus file here");
            }
        };
    }

    private static List<PreparedExample> randomPrompts(int count, int[] lengths, int vocab, long seed) {
        Random random = new Random(seed);
        List<PreparedExample> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long[] ids = new long[lengths[i % lengths.length]];
            for (int t = 0; t < ids.length; t++) {
                ids[t] = random.nextInt(vocab);
            }
            out.add(new PreparedExample("r" + i, "g", ids, ids, 5, 6));
        }
        return out;
    }

    /** hook_z of every reference prompt at {@code layer}, as [prompt][pos][head][d]. */
    private static float[][][][] hookZ(HookedTransformer model, NDManager m, List<PreparedExample> prompts, int layer) {
        int heads = model.config().nHeads();
        int d = model.config().dHead();
        float[][][][] out = new float[prompts.size()][][][];
        for (int i = 0; i < prompts.size(); i++) {
            long[] ids = prompts.get(i).clean();
            float[] z = model.run(m, model.tokens(m, ids), RunOptions.defaults().caching("blocks." + layer + ".attn.hook_z"))
                    .cache().get("blocks." + layer + ".attn.hook_z").toFloatArray();
            out[i] = new float[ids.length][heads][d];
            for (int p = 0; p < ids.length; p++) {
                for (int h = 0; h < heads; h++) {
                    for (int k = 0; k < d; k++) {
                        out[i][p][h][k] = z[(p * heads + h) * d + k];
                    }
                }
            }
        }
        return out;
    }

    /** The example's logit_diff with head {@code head}'s hook_z at each position p set to mean[p] + scale * (z - mean[p]). */
    private static double handAblated(HookedTransformer model, NDManager m, PreparedExample ex, int layer, int head,
                                      double[][] meanByPosition, double scale) {
        return handAblated(model, m, ex, layer, head, meanByPosition, scale, 0);
    }

    /** As above, from position {@code from} on (the positions before it keep their values). */
    private static double handAblated(HookedTransformer model, NDManager m, PreparedExample ex, int layer, int head,
                                      double[][] meanByPosition, double scale, int from) {
        int heads = model.config().nHeads();
        int d = model.config().dHead();
        NDArray logits = model.run(m, model.tokens(m, ex.clean()), RunOptions.defaults().withHooks(
                Hook.replacing("blocks." + layer + ".attn.hook_z", z -> {
                    float[] v = z.toFloatArray();
                    for (int p = from; p < ex.clean().length; p++) {
                        double[] mean = meanByPosition[meanByPosition.length == 1 ? 0 : p];
                        for (int k = 0; k < d; k++) {
                            int i = (p * heads + head) * d + k;
                            v[i] = (float) (mean[k] + scale * (v[i] - mean[k]));
                        }
                    }
                    return z.getManager().create(v, z.getShape());
                }))).output();
        float[] last = logits.get(new NDIndex("0, -1")).toFloatArray();
        return (double) last[(int) ex.target()] - last[(int) ex.foil()];
    }

    private static Map<String, Double> run(HeadsZero exp, HookedTransformer model, PreparedExample ex) {
        Map<String, Double> byCondition = new HashMap<>();
        exp.run(model, ex, List.of(AnswerMetrics.LOGIT_DIFF), (c, v, b) -> byCondition.put(
                c.get("layer") + "." + c.get("head") + "@" + c.get("scale"), v.get(AnswerMetrics.LOGIT_DIFF)));
        return byCondition;
    }

    @Test
    void perPositionMeanOverPromptsOfTheExamplesLengthMatchesAHandComputation() throws Exception {
        try (HookedTransformer model = Fixtures.load("gpt2-tiny"); NDManager m = NDManager.newBaseManager()) {
            int vocab = model.config().vocabSize();
            // 5 reference prompts of the example's 9 tokens, 3 of 7 tokens that must not enter its mean
            List<PreparedExample> train = randomPrompts(8, new int[] {9, 9, 7, 9, 7, 9, 7, 9}, vocab, 1);
            PreparedExample ex = randomPrompts(1, new int[] {9}, vocab, 2).get(0);
            HeadsZero exp = HeadsZero.fromParams(JSON.readTree(
                    "{\"scales\": [0.0, 0.5], \"ablation\": \"mean\", \"batch_size\": 3}"));
            exp.prepare(model, inputs(List.of(ex), train));
            Map<String, Double> got = run(exp, model, ex);
            Map<String, Double> zero = run(HeadsZero.fromParams(JSON.readTree("{\"scales\": [0.0]}")), model, ex);
            List<PreparedExample> nine = train.stream().filter(p -> p.clean().length == 9).toList();
            double largestGap = 0;
            for (int layer = 0; layer < model.config().nLayers(); layer++) {
                float[][][][] z = hookZ(model, m, nine, layer);
                for (int head = 0; head < model.config().nHeads(); head++) {
                    double[][] mean = new double[9][model.config().dHead()];
                    for (float[][][] prompt : z) {
                        for (int p = 0; p < 9; p++) {
                            for (int k = 0; k < mean[p].length; k++) {
                                mean[p][k] += prompt[p][head][k] / (double) z.length;
                            }
                        }
                    }
                    for (double scale : new double[] {0.0, 0.5}) {
                        double expected = handAblated(model, m, ex, layer, head, mean, scale);
                        assertEquals(expected, got.get(layer + "." + head + "@" + scale), 1e-4,
                                "layer " + layer + " head " + head + " scale " + scale);
                    }
                    largestGap = Math.max(largestGap, Math.abs(got.get(layer + "." + head + "@0.0") - zero.get(layer + "." + head + "@0.0")));
                }
            }
            assertTrue(largestGap > 1e-3, "mean ablation gave the same numbers as zero ablation");
        }
    }

    @Test
    void meanOverPositionsPoolsEveryPositionOfEveryReferencePrompt() throws Exception {
        try (HookedTransformer model = Fixtures.load("gpt2-tiny"); NDManager m = NDManager.newBaseManager()) {
            int vocab = model.config().vocabSize();
            List<PreparedExample> train = randomPrompts(4, new int[] {5, 8, 11, 6}, vocab, 3);
            PreparedExample ex = randomPrompts(1, new int[] {13}, vocab, 4).get(0);
            HeadsZero exp = HeadsZero.fromParams(JSON.readTree(
                    "{\"scales\": [0.0], \"heads\": [[1, 2], [0, 3]], \"ablation\": \"mean\", \"mean_over\": \"positions\"}"));
            exp.prepare(model, inputs(List.of(ex), train));
            Map<String, Double> got = run(exp, model, ex);
            assertEquals(2, got.size());
            for (int[] lh : new int[][] {{1, 2}, {0, 3}}) {
                double[][] mean = new double[1][model.config().dHead()];
                int tokens = 0;
                for (float[][][] prompt : hookZ(model, m, train, lh[0])) {
                    for (float[][] position : prompt) {
                        for (int k = 0; k < mean[0].length; k++) {
                            mean[0][k] += position[lh[1]][k];
                        }
                        tokens++;
                    }
                }
                for (int k = 0; k < mean[0].length; k++) {
                    mean[0][k] /= tokens;
                }
                assertEquals(handAblated(model, m, ex, lh[0], lh[1], mean, 0.0), got.get(lh[0] + "." + lh[1] + "@0.0"), 1e-4);
            }
        }
    }

    @Test
    void positionLastReplacesOnlyTheLastPositionByItsMean() throws Exception {
        try (HookedTransformer model = Fixtures.load("gpt2-tiny"); NDManager m = NDManager.newBaseManager()) {
            List<PreparedExample> train = randomPrompts(3, new int[] {6}, model.config().vocabSize(), 7);
            PreparedExample ex = randomPrompts(1, new int[] {6}, model.config().vocabSize(), 8).get(0);
            HeadsZero exp = HeadsZero.fromParams(JSON.readTree(
                    "{\"scales\": [0.0], \"heads\": [[0, 1]], \"position\": \"last\", \"ablation\": \"mean\"}"));
            exp.prepare(model, inputs(List.of(ex), train));
            double[][] mean = new double[6][model.config().dHead()];
            for (float[][][] prompt : hookZ(model, m, train, 0)) {
                for (int p = 0; p < 6; p++) {
                    for (int k = 0; k < mean[p].length; k++) {
                        mean[p][k] += prompt[p][1][k] / 3.0;
                    }
                }
            }
            double lastOnly = handAblated(model, m, ex, 0, 1, mean, 0.0, 5);
            assertEquals(lastOnly, run(exp, model, ex).get("0.1@0.0"), 1e-4);
            assertTrue(Math.abs(lastOnly - handAblated(model, m, ex, 0, 1, mean, 0.0)) > 1e-4, "last-only should differ from all positions");
        }
    }

    @Test
    void anExampleLengthTheReferenceLacksIsOneErrorNamingTheFix() throws Exception {
        try (HookedTransformer model = Fixtures.load("gpt2-tiny")) {
            List<PreparedExample> train = randomPrompts(3, new int[] {6, 7}, 50, 5);
            PreparedExample ex = randomPrompts(1, new int[] {9}, 50, 6).get(0);
            HeadsZero exp = HeadsZero.fromParams(JSON.readTree("{\"scales\": [0.0], \"ablation\": \"mean\"}"));
            var e = assertThrows(IllegalArgumentException.class, () -> exp.prepare(model, inputs(List.of(ex), train)));
            assertTrue(e.getMessage().contains("none of 9 tokens (r0)") && e.getMessage().contains("[6, 7]")
                    && e.getMessage().contains("\"mean_over\": \"positions\""), e.getMessage());
            HeadsZero other = HeadsZero.fromParams(JSON.readTree("{\"scales\": [0.0], \"ablation\": \"mean\", \"reference\": \"val\"}"));
            var missing = assertThrows(IllegalArgumentException.class, () -> other.prepare(model, inputs(List.of(ex), train)));
            assertTrue(missing.getMessage().startsWith("experiment.reference: 'val'"), missing.getMessage());
        }
    }

    @Test
    void badMeanAblationParametersAreClearErrors() {
        String[][] cases = {
            {"{\"scales\": [0], \"ablation\": \"median\"}", "experiment.ablation is 'median'"},
            {"{\"scales\": [0], \"reference\": \"train\"}", "experiment.reference only applies to mean ablation"},
            {"{\"scales\": [0], \"ablation\": \"zero\", \"mean_over\": \"positions\"}", "experiment.mean_over only applies"},
            {"{\"scales\": [0], \"ablation\": \"mean\", \"mean_over\": \"tokens\"}", "experiment.mean_over is 'tokens'"},
            {"{\"scales\": [0], \"heads\": \"some\"}", "experiment.heads is \"some\""},
            {"{\"scales\": [0], \"heads\": []}", "experiment.heads is []"},
        };
        for (String[] c : cases) {
            var e = assertThrows(IllegalArgumentException.class, () -> HeadsZero.fromParams(JSON.readTree(c[0])), c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
        }
    }

    @Test
    void headsAllIsEveryHead() throws Exception {
        try (HookedTransformer model = Fixtures.load("gpt2-tiny")) {
            long[] ids = Fixtures.ids(Fixtures.referenceJson("gpt2-tiny").get("clean_ids"));
            PreparedExample ex = new PreparedExample("c", "g", ids, ids, 5, 6);
            Map<String, Double> all = run(HeadsZero.fromParams(JSON.readTree("{\"scales\": [0.0], \"heads\": \"all\"}")), model, ex);
            Map<String, Double> omitted = run(HeadsZero.fromParams(JSON.readTree("{\"scales\": [0.0]}")), model, ex);
            assertEquals(model.config().nLayers() * model.config().nHeads(), all.size());
            assertEquals(omitted, all);
        }
    }
}

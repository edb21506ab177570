package lab.experiments.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import lab.experiments.heads.HeadsZero;
import lab.experiments.PreparedExample;
import lab.experiments.metrics.AnswerMetrics;
import lab.runtime.ForwardResult;
import lab.runtime.Hook;
import lab.runtime.HookedTransformer;
import lab.runtime.Interventions;
import lab.runtime.ModelConfig;
import lab.runtime.RunOptions;
import lab.runtime.bench.ForwardBenchmark;

/**
 * Zeroes each head of the model in turn on P random prompts of T tokens, two ways in one run: the
 * naive way, as a TransformerLens loop does it (one full hooked forward of all prompts per head,
 * logits at every position), and what {@code heads_zero} does ({@link HeadsZero} itself, on the
 * same prompts as prepared examples). Both are read as logit_diff and kl at the last position,
 * and their largest difference is the check that the optimised sweep computes the same thing.
 */
public final class SweepBenchmark {

    private static final List<String> METRICS = List.of(AnswerMetrics.LOGIT_DIFF, AnswerMetrics.KL);

    /**
     * @param maxAbsDiff largest |naive - optimised| of logit_diff over every prompt and head
     * @param maxAbsDiffKl the same for kl
     * @param optimisedFlops floating-point operations the optimised sweep's forwards do
     */
    public record Result(int prompts, int tokens, int heads, double naiveSeconds, double optimisedSeconds,
                         double maxAbsDiff, double maxAbsDiffKl, double optimisedFlops) {

        public double speedup() {
            return naiveSeconds / optimisedSeconds;
        }

        public double achievedFlops() {
            return optimisedFlops / optimisedSeconds;
        }
    }

    private SweepBenchmark() {
    }

    public static Result run(HookedTransformer model, int prompts, int tokens, long seed) {
        ModelConfig c = model.config();
        List<PreparedExample> examples = BenchExamples.random(c, prompts, tokens, seed);
        try (NDManager m = NDManager.newBaseManager(model.device())) {
            long[][] rows = examples.stream().map(PreparedExample::clean).toArray(long[][]::new);
            NDArray ids = model.tokens(m, rows);
            // warm-up of both ways (one head), so neither pays the first call's allocations and JIT
            model.logits(m, ids).close();
            new HeadsZero(new double[] {0.0}, List.of(new int[] {0, 0}), 64, false)
                    .run(model, examples.get(0), METRICS, (condition, values, baselines) -> { });

            long start = System.nanoTime();
            Map<String, double[]> naive = naive(model, m, ids, examples);
            double naiveSeconds = (System.nanoTime() - start) / 1e9;

            start = System.nanoTime();
            Map<String, double[]> optimised = new HashMap<>();
            HeadsZero experiment = new HeadsZero(new double[] {0.0}, null, 64, false);
            for (int p = 0; p < examples.size(); p++) {
                int prompt = p;
                experiment.run(model, examples.get(p), METRICS, (condition, values, baselines) ->
                        optimised.put(key(prompt, (Integer) condition.get("layer"), (Integer) condition.get("head")),
                                new double[] {values.get(AnswerMetrics.LOGIT_DIFF), values.get(AnswerMetrics.KL)}));
            }
            double optimisedSeconds = (System.nanoTime() - start) / 1e9;

            double[] diff = new double[2];
            naive.forEach((k, v) -> {
                double[] o = optimised.get(k);
                if (o == null) {
                    throw new IllegalStateException("heads_zero reported no result for " + k);
                }
                for (int i = 0; i < 2; i++) {
                    diff[i] = Math.max(diff[i], Math.abs(v[i] - o[i]));
                }
            });
            return new Result(prompts, tokens, c.nLayers() * c.nHeads(), naiveSeconds, optimisedSeconds, diff[0], diff[1],
                    prompts * optimisedFlopsPerPrompt(c, tokens));
        }
    }

    /** One full forward of every prompt per head, all positions unembedded, the last read. */
    private static Map<String, double[]> naive(HookedTransformer model, NDManager m, NDArray ids, List<PreparedExample> examples) {
        ModelConfig c = model.config();
        AnswerMetrics[] clean = new AnswerMetrics[examples.size()];
        try (NDArray logits = model.logits(m, ids); NDArray last = logits.get(new NDIndex(":, -1, :"))) {
            float[] all = last.toFloatArray();
            for (int p = 0; p < clean.length; p++) {
                clean[p] = new AnswerMetrics(slice(all, p, c.vocabSize()), examples.get(p).target(), examples.get(p).foil());
            }
        }
        Map<String, double[]> out = new HashMap<>();
        for (int l = 0; l < c.nLayers(); l++) {
            for (int h = 0; h < c.nHeads(); h++) {
                RunOptions o = RunOptions.defaults().withHooks(Hook.replacing("blocks." + l + ".attn.hook_z", Interventions.zeroHead(h)));
                try (ForwardResult r = model.run(m, ids, o); NDArray last = r.output().get(new NDIndex(":, -1, :"))) {
                    float[] all = last.toFloatArray();
                    for (int p = 0; p < clean.length; p++) {
                        float[] logits = slice(all, p, c.vocabSize());
                        out.put(key(p, l, h), new double[] {clean[p].value(AnswerMetrics.LOGIT_DIFF, logits),
                                clean[p].value(AnswerMetrics.KL, logits)});
                    }
                }
            }
        }
        return out;
    }

    /**
     * What heads_zero computes per prompt: the clean forward (last position unembedded), then for
     * each layer one row per head, resumed at that layer's cached hook_z (its output projection and
     * MLP only), whole blocks up to the last, and the last block's keys and values over every
     * position but the rest at the last position alone; one position unembedded.
     */
    static double optimisedFlopsPerPrompt(ModelConfig c, int tokens) {
        double d = c.dModel();
        double q = (double) c.nHeads() * c.dHead();
        double keysValues = 2 * 2 * d * c.nKvHeads() * c.dHead();
        double outputAndMlp = 2 * q * d + 2 * (c.gatedMlp() ? 3 : 2) * d * c.dMlp();
        double oneQuery = 2 * d * q + 2 * 2 * tokens * q;
        double layer = ForwardBenchmark.layerFlopsPerToken(c, tokens) * tokens;
        double unembed = ForwardBenchmark.unembedFlopsPerToken(c);
        int last = c.nLayers() - 1;
        double flops = c.nLayers() * layer + unembed;
        for (int l = 0; l < c.nLayers(); l++) {
            double row = l == last ? outputAndMlp
                    : outputAndMlp * tokens + (last - l - 1) * layer + keysValues * tokens + oneQuery + outputAndMlp;
            flops += c.nHeads() * (row + unembed);
        }
        return flops;
    }

    private static float[] slice(float[] rows, int row, int width) {
        return java.util.Arrays.copyOfRange(rows, row * width, (row + 1) * width);
    }

    private static String key(int prompt, int layer, int head) {
        return prompt + "/" + layer + "/" + head;
    }
}

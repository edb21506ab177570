package lab.experiments.sae;

import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import lab.experiments.PreparedExample;
import lab.experiments.metrics.AnswerMetrics;
import lab.runtime.ForwardResult;
import lab.runtime.Hook;
import lab.runtime.HookedTransformer;
import lab.runtime.RunOptions;
import lab.sae.SaeSplice;
import lab.sae.SparseAutoencoder;

/**
 * How much of the model's behaviour survives an SAE spliced in (bare reconstruction, no error
 * term) on the clean prompts of some examples: next-token cross-entropy clean, with the SAE, and
 * with the hook zero-ablated; the share of the zero-ablation's damage the SAE recovers,
 * {@code (CE_zero - CE_sae) / (CE_zero - CE_clean)}; KL(clean || SAE) per position; and the
 * answer metrics at the last position.
 */
public final class SpliceEvaluation {

    /**
     * @param cePositions positions the cross-entropies average over (each text's next-token predictions)
     * @param klPositions positions KL averages over (every position of every text)
     */
    public record Result(double cleanCe, double saeCe, double zeroCe, double ceRecovered, double kl,
                         long cePositions, long klPositions, Map<String, Double> answerMetrics) {
    }

    private SpliceEvaluation() {
    }

    public static Result evaluate(HookedTransformer model, SparseAutoencoder sae, String hook, boolean skipFirst,
                                  List<PreparedExample> examples, List<String> metrics) {
        UnaryOperator<ai.djl.ndarray.NDArray> splice = SaeSplice.replacing(sae, false, skipFirst, null);
        UnaryOperator<ai.djl.ndarray.NDArray> zero = SaeSplice.zeroing(sae.config().dIn(), skipFirst);
        int vocab = model.config().vocabSize();
        double clean = 0;
        double spliced = 0;
        double zeroed = 0;
        double kl = 0;
        long cePositions = 0;
        long klPositions = 0;
        Map<String, Double> answer = new LinkedHashMap<>();
        metrics.forEach(m -> answer.put(m, 0.0));
        for (PreparedExample ex : examples) {
            long[] tokens = ex.clean();
            float[] c = logits(model, tokens, null);
            float[] s = logits(model, tokens, Hook.replacing(hook, splice));
            float[] z = logits(model, tokens, Hook.replacing(hook, zero));
            for (int p = 0; p < tokens.length; p++) {
                double[] lc = logSoftmax(c, p, vocab);
                double[] ls = logSoftmax(s, p, vocab);
                for (int v = 0; v < vocab; v++) {
                    kl += Math.exp(lc[v]) * (lc[v] - ls[v]);
                }
                klPositions++;
                if (p + 1 < tokens.length) {
                    int next = (int) tokens[p + 1];
                    clean -= lc[next];
                    spliced -= ls[next];
                    zeroed -= logSoftmax(z, p, vocab)[next];
                    cePositions++;
                }
            }
            int last = tokens.length - 1;
            AnswerMetrics am = new AnswerMetrics(java.util.Arrays.copyOfRange(c, last * vocab, (last + 1) * vocab),
                    ex.target(), ex.foil());
            float[] sLast = java.util.Arrays.copyOfRange(s, last * vocab, (last + 1) * vocab);
            metrics.forEach(m -> answer.merge(m, am.value(m, sLast), Double::sum));
        }
        answer.replaceAll((m, sum) -> sum / examples.size());
        double ceClean = clean / cePositions;
        double ceSae = spliced / cePositions;
        double ceZero = zeroed / cePositions;
        return new Result(ceClean, ceSae, ceZero, (ceZero - ceSae) / (ceZero - ceClean), Math.max(0, kl / klPositions),
                cePositions, klPositions, answer);
    }

    private static float[] logits(HookedTransformer model, long[] tokens, Hook hook) {
        try (NDManager m = NDManager.newBaseManager(model.device())) {
            RunOptions options = hook == null ? RunOptions.defaults() : RunOptions.defaults().withHooks(hook);
            try (ForwardResult r = model.run(m, model.tokens(m, tokens), options)) {
                return r.output().toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
            }
        }
    }

    private static double[] logSoftmax(float[] logits, int position, int vocab) {
        return lab.experiments.metrics.AnswerReading.logSoftmax(java.util.Arrays.copyOfRange(logits, position * vocab, (position + 1) * vocab));
    }
}

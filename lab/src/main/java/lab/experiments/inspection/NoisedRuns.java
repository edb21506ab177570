package lab.experiments.inspection;

import lab.experiments.HostArrays;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import lab.runtime.ActivationCache;
import lab.runtime.Hook;
import lab.runtime.HookedTransformer;
import lab.runtime.RunOptions;
import lab.runtime.components.Ops;

/**
 * Forwards of one prompt with noise added to its token embeddings ({@code hook_embed}), each
 * batch row restoring some clean activations: row r replaces the activation at each of its hook
 * points, at its positions, with the clean run's. Returns the target's probability at the last
 * position per row.
 */
final class NoisedRuns {

    /** Hook points to restore, at which positions. */
    record Restoration(Set<String> hookPoints, int[] positions) {
    }

    private NoisedRuns() {
    }

    /**
     * @param noise [positions, d_model] added to hook_embed (zero rows where nothing is corrupted)
     * @param clean the clean run's cache, holding every hook point a restoration names
     */
    static double[] targetProbabilities(HookedTransformer model, NDManager m, long[] ids, float[] noise, long target,
                                        ActivationCache clean, List<Restoration> rows) {
        int length = ids.length;
        int d = model.config().dModel();
        NDArray noiseArray = Ops.owned(m, noise, new Shape(1, length, d));
        List<Hook> hooks = new ArrayList<>();
        hooks.add(Hook.replacing("hook_embed", x -> x.add(noiseArray.toType(x.getDataType(), false))));
        Map<String, float[]> masks = new LinkedHashMap<>();
        for (int r = 0; r < rows.size(); r++) {
            for (String point : rows.get(r).hookPoints()) {
                float[] mask = masks.computeIfAbsent(point, k -> new float[rows.size() * length]);
                for (int p : rows.get(r).positions()) {
                    mask[r * length + p] = 1f;
                }
            }
        }
        for (String point : new TreeSet<>(masks.keySet())) {
            NDArray mask = Ops.owned(m, masks.get(point), new Shape(rows.size(), length, 1));
            NDArray source = clean.get(point);
            // x - (x - clean) * mask: the clean value where the mask is 1, computed from x so the
            // intermediates land in the forward's scope
            hooks.add(Hook.replacing(point, x -> x.sub(x.sub(source).mul(mask.toType(x.getDataType(), false)))));
        }
        long[][] batch = new long[rows.size()][];
        java.util.Arrays.fill(batch, ids);
        NDArray logits = model.run(m, model.tokens(m, batch), RunOptions.defaults()
                .withHooks(hooks.toArray(Hook[]::new)).unembedOnly(-1)).output();
        float[] all = HostArrays.floats(logits);
        int vocab = all.length / rows.size();
        double[] out = new double[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            out[r] = probability(all, r * vocab, vocab, (int) target);
        }
        return out;
    }

    static double probability(float[] logits, int from, int vocab, int token) {
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < vocab; v++) {
            max = Math.max(max, logits[from + v]);
        }
        double sum = 0;
        for (int v = 0; v < vocab; v++) {
            sum += Math.exp(logits[from + v] - max);
        }
        return Math.exp(logits[from + token] - max) / sum;
    }
}

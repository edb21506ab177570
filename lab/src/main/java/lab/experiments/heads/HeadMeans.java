package lab.experiments.heads;

import lab.experiments.PreparedExample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import lab.runtime.ForwardResult;
import lab.runtime.HookedTransformer;
import lab.runtime.RunOptions;

/**
 * The mean of every head's {@code hook_z} over the clean prompts of a reference set, for mean
 * ablation. Either per position (TransformerLens's and Wang et al.'s: at each position, the
 * average over the reference prompts, which only lines up for prompts of one length, so one mean
 * per token length) or over positions (one [head, d_head] mean per layer from every position of
 * every reference prompt, BOS included). Sums are kept in double.
 */
final class HeadMeans {

    /** Prompts per forward while averaging; only speed and memory depend on it. */
    private static final int BATCH = 32;
    /** Key of the single mean when averaging over positions. */
    private static final int ANY_LENGTH = -1;

    private final boolean perPosition;
    private final int nHeads;
    private final int dHead;
    /** token length (or ANY_LENGTH) to per-layer means, flattened [pos or 1, head, d_head] */
    private final Map<Integer, float[][]> byLength;
    /** token length (or ANY_LENGTH) to the number of reference prompts averaged */
    private final Map<Integer, Integer> counts;

    private HeadMeans(boolean perPosition, int nHeads, int dHead, Map<Integer, float[][]> byLength, Map<Integer, Integer> counts) {
        this.perPosition = perPosition;
        this.nHeads = nHeads;
        this.dHead = dHead;
        this.byLength = byLength;
        this.counts = counts;
    }

    static HeadMeans compute(HookedTransformer model, List<PreparedExample> reference, boolean perPosition) {
        int layers = model.config().nLayers();
        Map<Integer, List<long[]>> promptsByLength = new TreeMap<>();
        for (PreparedExample ex : reference) {
            promptsByLength.computeIfAbsent(ex.clean().length, k -> new ArrayList<>()).add(ex.clean());
        }
        Map<Integer, double[][]> sums = new TreeMap<>();
        Map<Integer, Integer> counts = new TreeMap<>();
        try (NDManager m = NDManager.newBaseManager(model.device())) {
            for (Map.Entry<Integer, List<long[]>> group : promptsByLength.entrySet()) {
                int length = group.getKey();
                int key = perPosition ? length : ANY_LENGTH;
                int[] axes = perPosition ? new int[] {0} : new int[] {0, 1};
                double[][] sum = sums.computeIfAbsent(key, k -> new double[layers][]);
                List<long[]> prompts = group.getValue();
                for (int from = 0; from < prompts.size(); from += BATCH) {
                    long[][] batch = prompts.subList(from, Math.min(prompts.size(), from + BATCH)).toArray(long[][]::new);
                    try (ForwardResult r = model.run(m, model.tokens(m, batch), RunOptions.defaults()
                            .caching(Pattern.compile("blocks\\.\\d+\\.attn\\.hook_z")).unembedOnly(-1))) {
                        for (int l = 0; l < layers; l++) {
                            try (NDArray s = r.cache().get("blocks." + l + ".attn.hook_z").sum(axes)) {
                                sum[l] = add(sum[l], s.toFloatArray());
                            }
                        }
                    }
                    counts.merge(key, perPosition ? batch.length : batch.length * length, Integer::sum);
                }
            }
        }
        Map<Integer, float[][]> means = new TreeMap<>();
        sums.forEach((key, sum) -> {
            float[][] perLayer = new float[layers][];
            for (int l = 0; l < layers; l++) {
                perLayer[l] = new float[sum[l].length];
                for (int i = 0; i < sum[l].length; i++) {
                    perLayer[l][i] = (float) (sum[l][i] / counts.get(key));
                }
            }
            means.put(key, perLayer);
        });
        return new HeadMeans(perPosition, model.config().nHeads(), model.config().dHead(), means, counts);
    }

    private static double[] add(double[] sum, float[] values) {
        double[] out = sum == null ? new double[values.length] : sum;
        for (int i = 0; i < values.length; i++) {
            out[i] += values[i];
        }
        return out;
    }

    /** Whether there is a mean for prompts of this many tokens. */
    boolean covers(int length) {
        return byLength.containsKey(perPosition ? length : ANY_LENGTH);
    }

    /** The token lengths with a per-position mean, each with how many reference prompts it averages. */
    Map<Integer, Integer> promptsByLength() {
        return perPosition ? java.util.Collections.unmodifiableMap(counts) : Map.of();
    }

    /** Layer {@code layer}'s mean for a prompt of {@code length} tokens, flattened in {@link #shape}'s order. */
    float[] values(int layer, int length) {
        float[][] perLayer = byLength.get(perPosition ? length : ANY_LENGTH);
        if (perLayer == null) {
            throw new IllegalStateException("no reference mean for prompts of " + length + " tokens");
        }
        return perLayer[layer].clone();
    }

    /** [1, length, head, d_head] per position, [1, 1, head, d_head] over positions. */
    Shape shape(int length) {
        return new Shape(1, perPosition ? length : 1, nHeads, dHead);
    }
}

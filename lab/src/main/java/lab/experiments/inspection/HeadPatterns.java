package lab.experiments.inspection;

import lab.experiments.HostArrays;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;
import lab.runtime.ForwardResult;
import lab.runtime.HookedTransformer;
import lab.runtime.ModelConfig;
import lab.runtime.RunOptions;

/** Attention patterns ({@code blocks.L.attn.hook_pattern}) of chosen heads on one prompt, from one forward. */
public final class HeadPatterns {

    private HeadPatterns() {
    }

    /**
     * @param heads [layer, head] pairs; null or empty for every head of every layer
     * @return the chosen heads in order, each with its pattern [query][key]
     */
    public static List<double[][]> read(HookedTransformer model, long[] ids, List<int[]> heads) {
        ModelConfig c = model.config();
        for (int[] lh : heads) {
            if (lh[0] < 0 || lh[0] >= c.nLayers() || lh[1] < 0 || lh[1] >= c.nHeads()) {
                throw new IllegalArgumentException("head " + lh[0] + "." + lh[1] + " does not exist: the model has "
                        + c.nLayers() + " layers of " + c.nHeads() + " heads (0.0 .. " + (c.nLayers() - 1) + "." + (c.nHeads() - 1) + ")");
            }
        }
        TreeSet<Integer> layers = new TreeSet<>();
        heads.forEach(lh -> layers.add(lh[0]));
        String alternatives = String.join("|", layers.stream().map(String::valueOf).toList());
        List<double[][]> out = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager(model.device());
             ForwardResult r = model.run(m, model.tokens(m, ids), RunOptions.defaults()
                     .caching(Pattern.compile("blocks\\.(" + alternatives + ")\\.attn\\.hook_pattern")).unembedOnly(-1))) {
            int n = ids.length;
            for (int[] lh : heads) {
                float[] flat = HostArrays.floats(r.cache().get("blocks." + lh[0] + ".attn.hook_pattern").get(new NDIndex("0, {}", lh[1])));
                double[][] w = new double[n][n];
                for (int q = 0; q < n; q++) {
                    for (int k = 0; k < n; k++) {
                        w[q][k] = flat[q * n + k];
                    }
                }
                out.add(w);
            }
        }
        return out;
    }

    /** Every [layer, head] of the model, layer by layer. */
    public static List<int[]> every(ModelConfig c) {
        List<int[]> all = new ArrayList<>();
        for (int l = 0; l < c.nLayers(); l++) {
            for (int h = 0; h < c.nHeads(); h++) {
                all.add(new int[] {l, h});
            }
        }
        return all;
    }
}

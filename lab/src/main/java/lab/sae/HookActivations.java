package lab.sae;

import ai.djl.ndarray.NDManager;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lab.runtime.ForwardResult;
import lab.runtime.HookedTransformer;
import lab.runtime.RunOptions;

/**
 * A hook point's activations per token, as SAE input rows: [pos, d_in] per text, with
 * attn.hook_z's [pos, heads, d_head] flattened over heads. The forward stops after the hook's
 * block, so nothing above it is computed.
 */
public final class HookActivations {

    private static final Pattern BLOCK = Pattern.compile("blocks\\.(\\d+)\\..*");

    private final HookedTransformer model;
    private final String hook;
    private final int dIn;
    private final int stopAt;

    /** Fails with one clear message if the hook does not exist or is not one row per token. */
    public HookActivations(HookedTransformer model, String hook) {
        model.hookNames().requireKnown(hook);
        if (hook.endsWith("hook_pattern") || hook.endsWith("hook_attn_scores")) {
            throw new IllegalArgumentException("experiment.hook " + hook + " is [heads, query, key] per text, not one"
                    + " vector per token; train on hook_resid_pre, hook_mlp_out, attn.hook_z or similar");
        }
        this.model = model;
        this.hook = hook;
        Matcher m = BLOCK.matcher(hook);
        this.stopAt = m.matches() && Integer.parseInt(m.group(1)) + 1 < model.config().nLayers()
                ? Integer.parseInt(m.group(1)) + 1 : -1;
        try (NDManager probe = NDManager.newBaseManager(model.device())) {
            this.dIn = rows(probe, new long[] {0}).length;
        }
    }

    public int dIn() {
        return dIn;
    }

    public String hook() {
        return hook;
    }

    /** The model's BOS token id (config.json's bos_token_id), or -1. */
    public long bosTokenId() {
        return model.config().bosTokenId();
    }

    /**
     * The rows of one text, as [pos, d_in] float arrays.
     *
     * @param skipFirst leave out position 0 (the BOS token)
     */
    public float[][] of(long[] tokens, boolean skipFirst) {
        return of(java.util.List.of(tokens), skipFirst);
    }

    /**
     * The rows of several texts in one forward, text after text. Shorter texts are padded on the
     * right: under causal attention a position never sees what follows it, so padding changes no
     * real position's activation, and padded positions are left out.
     */
    public float[][] of(java.util.List<long[]> texts, boolean skipFirst) {
        return of(texts, skipFirst, -1);
    }

    /**
     * As {@link #of(java.util.List, boolean)}, also leaving out every position that holds {@code skipToken}
     * (-1: none): the BOS that opens each document packed into a training row, whose activations are
     * outliers like the first position's.
     */
    public float[][] of(java.util.List<long[]> texts, boolean skipFirst, long skipToken) {
        int longest = texts.stream().mapToInt(t -> t.length).max().orElse(0);
        long[][] padded = new long[texts.size()][];
        for (int i = 0; i < padded.length; i++) {
            padded[i] = java.util.Arrays.copyOf(texts.get(i), longest);
        }
        int from = skipFirst ? 1 : 0;
        java.util.List<float[]> out = new java.util.ArrayList<>();
        try (NDManager m = NDManager.newBaseManager(model.device())) {
            float[] flat = rows(m, padded);
            for (int i = 0; i < padded.length; i++) {
                for (int p = from; p < texts.get(i).length; p++) {
                    if (texts.get(i)[p] == skipToken) {
                        continue;
                    }
                    int at = (i * longest + p) * dIn;
                    out.add(java.util.Arrays.copyOfRange(flat, at, at + dIn));
                }
            }
        }
        return out.toArray(new float[0][]);
    }

    /** The hook's activation [batch, pos, ...] as a flat row-major array [batch * pos * d_in]. */
    private float[] rows(NDManager m, long[]... tokens) {
        RunOptions options = RunOptions.defaults().caching(hook);
        if (stopAt >= 0) {
            options = options.stopAt(stopAt);
        }
        try (ForwardResult r = model.run(m, model.tokens(m, tokens), options)) {
            return r.cache().get(hook).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        }
    }
}

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

    /**
     * The rows of one text, as [pos, d_in] float arrays.
     *
     * @param skipFirst leave out position 0 (the BOS token)
     */
    public float[][] of(long[] tokens, boolean skipFirst) {
        try (NDManager m = NDManager.newBaseManager(model.device())) {
            float[] flat = rows(m, tokens);
            int from = skipFirst ? 1 : 0;
            float[][] out = new float[Math.max(0, tokens.length - from)][];
            for (int p = from; p < tokens.length; p++) {
                out[p - from] = java.util.Arrays.copyOfRange(flat, p * dIn, (p + 1) * dIn);
            }
            return out;
        }
    }

    /** The hook's activation [1, pos, ...] as a flat row-major array [pos * d_in]. */
    private float[] rows(NDManager m, long[] tokens) {
        RunOptions options = RunOptions.defaults().caching(hook);
        if (stopAt >= 0) {
            options = options.stopAt(stopAt);
        }
        try (ForwardResult r = model.run(m, model.tokens(m, tokens), options)) {
            return r.cache().get(hook).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        }
    }
}

package lab.runtime.components;

import ai.djl.ndarray.NDArray;
import lab.runtime.ForwardPass;
import lab.runtime.QueryPositions;

/**
 * One transformer block, sequential (x + attn, then + mlp, with {@code hook_resid_mid} between)
 * or parallel (GPT-NeoX: attention and MLP both read {@code hook_resid_pre}; no resid_mid).
 */
public final class Block {

    private final String prefix;
    private final Norm ln1;
    private final Attention attn;
    private final Norm ln2;
    private final MlpLayer mlp;
    private final boolean parallel;

    public Block(int layer, Norm ln1, Attention attn, Norm ln2, MlpLayer mlp, boolean parallel) {
        this.prefix = "blocks." + layer;
        this.ln1 = ln1;
        this.attn = attn;
        this.ln2 = ln2;
        this.mlp = mlp;
        this.parallel = parallel;
    }

    /** @param resid the residual entering the block [batch, pos, d_model]; returns the residual leaving it */
    public NDArray forward(ForwardPass pass, NDArray resid) {
        return forward(pass, resid, null, null);
    }

    /**
     * @param queries the positions to compute the residual leaving the block at (keys and values
     *     still cover every position); null for all. The points on the queries' side then hold
     *     those positions alone ({@link lab.runtime.HookNames#queryAxis} says which, on which axis).
     * @param z null, or the attention resumed at its hook_z from this value ({@link Attention#fromZ}):
     *     ln1 and the attention before hook_z are then not computed
     * @return the residual leaving the block [batch, queries, d_model]
     */
    public NDArray forward(ForwardPass pass, NDArray resid, QueryPositions queries, NDArray z) {
        NDArray x = pass.hook(prefix + ".hook_resid_pre", resid);
        NDArray attnOut;
        if (z != null) {
            attnOut = pass.hook(prefix + ".hook_attn_out", attn.fromZ(pass, z, queries));
        } else {
            NDArray normalized = ln1.forward(pass, x);
            attnOut = pass.hook(prefix + ".hook_attn_out", attn.forward(pass, normalized, queries));
            pass.release(prefix + ".ln1.hook_normalized", normalized);
        }
        if (queries != null) {
            x = queries.pick(x, 1);
        }
        NDArray mlpIn = parallel ? x : pass.hook(prefix + ".hook_resid_mid", x.add(attnOut));
        NDArray mlpNormalized = ln2.forward(pass, mlpIn);
        NDArray mlpOut = pass.hook(prefix + ".hook_mlp_out", mlp.forward(pass, mlpNormalized));
        pass.release(prefix + ".ln2.hook_normalized", mlpNormalized);
        NDArray out;
        if (parallel) {
            try (NDArray partial = x.add(attnOut)) {
                out = partial.add(mlpOut);
            }
        } else {
            out = mlpIn.add(mlpOut);
        }
        // what only this block reads is freed as soon as it is read (see ForwardPass#release)
        pass.release(prefix + ".hook_attn_out", attnOut);
        pass.release(prefix + ".hook_mlp_out", mlpOut);
        return pass.hook(prefix + ".hook_resid_post", out);
    }
}

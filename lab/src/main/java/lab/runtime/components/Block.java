package lab.runtime.components;

import ai.djl.ndarray.NDArray;
import lab.runtime.ForwardPass;

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
        NDArray x = pass.hook(prefix + ".hook_resid_pre", resid);
        NDArray attnOut = pass.hook(prefix + ".hook_attn_out", attn.forward(pass, ln1.forward(pass, x)));
        NDArray mlpIn = parallel ? x : pass.hook(prefix + ".hook_resid_mid", x.add(attnOut));
        NDArray mlpOut = pass.hook(prefix + ".hook_mlp_out", mlp.forward(pass, ln2.forward(pass, mlpIn)));
        NDArray out = parallel ? x.add(attnOut).add(mlpOut) : mlpIn.add(mlpOut);
        return pass.hook(prefix + ".hook_resid_post", out);
    }
}

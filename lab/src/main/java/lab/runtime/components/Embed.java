package lab.runtime.components;

import ai.djl.ndarray.NDArray;
import lab.runtime.ForwardPass;

/** Token embedding: ids [batch, pos] to [batch, pos, d_model] at {@code hook_embed}. */
public final class Embed {

    private final NDArray table;

    /** @param table [vocab, d_model] */
    public Embed(NDArray table) {
        this.table = table;
    }

    public NDArray forward(ForwardPass pass, NDArray tokens) {
        return pass.hook("hook_embed", Ops.embedding(tokens, table));
    }

    public NDArray table() {
        return table;
    }
}

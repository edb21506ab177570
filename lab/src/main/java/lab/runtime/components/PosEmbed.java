package lab.runtime.components;

import ai.djl.ndarray.NDArray;
import lab.runtime.ForwardPass;

/** Learned absolute positions 0..T-1, broadcast over the batch, at {@code hook_pos_embed}. */
public final class PosEmbed {

    private final NDArray table;

    /** @param table [context, d_model] */
    public PosEmbed(NDArray table) {
        this.table = table;
    }

    /** @param tokens [batch, pos]; only its shape is read */
    public NDArray forward(ForwardPass pass, NDArray tokens) {
        long batch = tokens.getShape().get(0);
        long positions = tokens.getShape().get(1);
        NDArray ids = pass.scope().arange(0, (int) positions).toType(ai.djl.ndarray.types.DataType.INT64, false)
                .reshape(1, positions).repeat(0, batch);
        return pass.hook("hook_pos_embed", Ops.embedding(ids, table));
    }
}

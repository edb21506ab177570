package lab.runtime.components;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import lab.runtime.ForwardPass;
import lab.runtime.QueryPositions;

/**
 * Causal multi-head attention, with grouped key/value heads, optional rotary and an optional
 * local window. Hook points under {@code blocks.L.attn}: hook_q, hook_k, hook_v [batch, pos,
 * head, d_head] (key/value heads already expanded to query heads), hook_rot_q, hook_rot_k,
 * hook_attn_scores and hook_pattern [batch, head, query, key], hook_z [batch, pos, head, d_head].
 * The output projection's result is the block's {@code hook_attn_out}.
 */
public final class Attention {

    /** Projection weights [out, in]; biases may be null. */
    public record Weights(NDArray wQ, NDArray bQ, NDArray wK, NDArray bK, NDArray wV, NDArray bV,
                          NDArray wO, NDArray bO) {
    }

    private final String prefix;
    private final Weights w;
    private final int nHeads;
    private final int nKvHeads;
    private final int dHead;
    private final double scale;
    private final int window;
    private final Rotary rotary;

    /**
     * @param prefix {@code blocks.L.attn}
     * @param scale multiplier of q·k
     * @param window keys a query may see, counting itself (0: all earlier keys)
     * @param rotary null without rotary
     */
    public Attention(String prefix, Weights w, int nHeads, int nKvHeads, int dHead, double scale,
                     int window, Rotary rotary) {
        this.prefix = prefix;
        this.w = w;
        this.nHeads = nHeads;
        this.nKvHeads = nKvHeads;
        this.dHead = dHead;
        this.scale = scale;
        this.window = window;
        this.rotary = rotary;
    }

    /** @param x normalised residual [batch, pos, d_model]; returns the attention output, same shape */
    public NDArray forward(ForwardPass pass, NDArray x) {
        return forward(pass, x, null);
    }

    /**
     * @param queries the positions whose output to compute (keys and values still cover every
     *     position); null for all. The scores and pattern [batch, head, query, key] and hook_z then
     *     hold those queries alone; hook_q holds them alone without rotary, but with rotary hook_q
     *     and hook_rot_q hold every position (a query is turned by its position, then picked).
     *     {@link lab.runtime.HookNames#queryAxis} says the same per point.
     * @return the attention output at those positions [batch, queries, d_model]
     */
    public NDArray forward(ForwardPass pass, NDArray x, QueryPositions queries) {
        long positions = x.getShape().get(1);
        // rotary turns a query by its position: rotated over every position, then picked
        boolean pickAfterRotary = queries != null && rotary != null;
        NDArray xq = queries == null || pickAfterRotary ? x : queries.pick(x, 1);
        NDArray q = pass.hook(prefix + ".hook_q", heads(Ops.linear(xq, w.wQ(), w.bQ()), nHeads));
        NDArray k = pass.hook(prefix + ".hook_k", expandKv(heads(Ops.linear(x, w.wK(), w.bK()), nKvHeads)));
        NDArray v = pass.hook(prefix + ".hook_v", expandKv(heads(Ops.linear(x, w.wV(), w.bV()), nKvHeads)));
        if (rotary != null) {
            q = pass.hook(prefix + ".hook_rot_q", rotary.apply(pass, q));
            k = pass.hook(prefix + ".hook_rot_k", rotary.apply(pass, k));
        }
        if (pickAfterRotary) {
            q = queries.pick(q, 1);
        }
        NDArray mask = pass.attentionMask(positions, window);
        DataType dtype = q.getDataType();
        // scores and softmax in float32 whatever the weights' dtype, as HF does for half precision;
        // temporaries are freed as soon as they are used (see ForwardPass#release)
        NDArray raw = q.transpose(0, 2, 1, 3).toType(DataType.FLOAT32, false)
                .matMul(k.transpose(0, 2, 3, 1).toType(DataType.FLOAT32, false));
        NDArray scaled;
        try (NDArray s = Ops.scalar(q, scale, DataType.FLOAT32)) {
            scaled = raw.mul(s);
        }
        raw.close();
        NDArray scores = pass.hook(prefix + ".hook_attn_scores", scaled.add(queries == null ? mask : queries.pick(mask, 0)));
        scaled.close();
        NDArray pattern = pass.hook(prefix + ".hook_pattern", scores.softmax(-1).toType(dtype, false));
        pass.release(prefix + ".hook_attn_scores", scores);
        NDArray mixed = pattern.matMul(v.transpose(0, 2, 1, 3));
        pass.release(prefix + ".hook_pattern", pattern);
        NDArray z = pass.hook(prefix + ".hook_z", mixed.transpose(0, 2, 1, 3));
        NDArray out = project(z);
        if (pass.release(prefix + ".hook_z", z)) {
            mixed.close();
        }
        return out;
    }

    /**
     * The attention resumed at hook_z: {@code z} [batch, pos, head, d_head] is what hook_z would
     * receive (e.g. a run's cached hook_z, when nothing upstream of it changed); the hooks at hook_z
     * act on it and the output projection follows. q, k, v, the scores and the pattern are not
     * computed, and their hook points do not fire.
     *
     * @param queries the positions whose output to compute (hook_z still sees every position);
     *     null for all
     */
    public NDArray fromZ(ForwardPass pass, NDArray z, QueryPositions queries) {
        NDArray hooked = pass.hook(prefix + ".hook_z", z);
        NDArray out = project(queries == null ? hooked : queries.pick(hooked, 1));
        pass.release(prefix + ".hook_z", hooked);
        return out;
    }

    /** hook_z [batch, pos, head, d_head] through W_O. */
    private NDArray project(NDArray z) {
        NDArray flat = z.reshape(z.getShape().get(0), z.getShape().get(1), (long) nHeads * dHead);
        NDArray out = Ops.linear(flat, w.wO(), w.bO());
        flat.close();
        return out;
    }

    private NDArray heads(NDArray projected, int count) {
        long[] s = projected.getShape().getShape();
        return projected.reshape(s[0], s[1], count, dHead);
    }

    /** Key/value head i serves query heads i*g .. i*g+g-1, as HF's repeat_kv lays them out. */
    private NDArray expandKv(NDArray kv) {
        int group = nHeads / nKvHeads;
        return group == 1 ? kv : kv.repeat(2, group);
    }
}

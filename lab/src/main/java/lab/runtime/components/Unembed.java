package lab.runtime.components;

import ai.djl.ndarray.NDArray;
import lab.runtime.ForwardPass;

/** Residual [batch, pos, d_model] to logits [batch, pos, vocab]. */
public final class Unembed {

    private final NDArray weight;
    private final NDArray bias;

    /**
     * @param weight [vocab, d_model]: the token embedding itself when tied, so that training
     *     updates one tensor
     * @param bias [vocab] or null
     */
    public Unembed(NDArray weight, NDArray bias) {
        this.weight = weight;
        this.bias = bias;
    }

    public NDArray forward(NDArray x) {
        return Ops.linear(x, weight, bias);
    }

    /** The logits of the given token ids alone, in that order: [batch, pos, tokens]. */
    public NDArray forward(ForwardPass pass, NDArray x, long[] tokens) {
        return Ops.linear(x, rows(pass, weight, tokens), bias == null ? null : rows(pass, bias, tokens));
    }

    /** The chosen rows of a weight, as an array of the forward's (slices of the weight, then freed). */
    private static NDArray rows(ForwardPass pass, NDArray table, long[] tokens) {
        return pass.adopt(Ops.slices(table, 0, tokens));
    }
}

package lab.runtime.components;

import ai.djl.ndarray.NDArray;

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
}

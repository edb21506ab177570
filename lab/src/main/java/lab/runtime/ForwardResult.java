package lab.runtime;

import ai.djl.ndarray.NDArray;

/**
 * What a forward call returns: logits [batch, pos, vocab] (or [batch, positions asked, vocab]),
 * or the residual [batch, pos, d_model] when the call stopped at a layer; and the activations it
 * cached. Both belong to the caller's manager; closing this frees them early.
 */
public record ForwardResult(NDArray output, ActivationCache cache) implements AutoCloseable {

    @Override
    public void close() {
        output.close();
        cache.close();
    }
}

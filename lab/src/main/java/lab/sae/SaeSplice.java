package lab.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.function.UnaryOperator;

/**
 * Hook functions that put an SAE into the model at its hook point. With the error term the
 * activation becomes {@code x + (decode(edit(f)) - decode(f))}: the SAE's reconstruction error
 * passes through untouched, so with no edit the model computes exactly its clean forward. Without
 * it the activation is the bare reconstruction {@code decode(edit(f))}. Activations [batch, pos, ...]
 * are flattened to [batch, pos, d_in] (attn.hook_z over heads) and restored.
 */
public final class SaeSplice {

    private SaeSplice() {
    }

    /**
     * @param edit changes feature activations [batch, pos, d_sae] (zero, scale, clamp); null for none
     * @param skipFirst leave position 0 (BOS, which the SAE was not trained on) as it is
     */
    public static UnaryOperator<NDArray> replacing(SparseAutoencoder sae, boolean errorTerm, boolean skipFirst,
                                                   UnaryOperator<NDArray> edit) {
        return x -> atPositions(x, sae.config().dIn(), skipFirst, part -> {
            NDArray f = sae.encode(part);
            NDArray reconstruction = sae.decode(edit == null ? f : edit.apply(f));
            if (!errorTerm) {
                return reconstruction;
            }
            return edit == null ? part : part.add(reconstruction.sub(sae.decode(f)));
        });
    }

    /** Zeroes the activation (at every position but the first when {@code skipFirst}). */
    public static UnaryOperator<NDArray> zeroing(int dIn, boolean skipFirst) {
        return x -> atPositions(x, dIn, skipFirst, NDArray::zerosLike);
    }

    private static NDArray atPositions(NDArray x, int dIn, boolean skipFirst, UnaryOperator<NDArray> fn) {
        Shape s = x.getShape();
        long batch = s.get(0);
        long positions = s.get(1);
        if (s.size() != batch * positions * dIn) {
            throw new IllegalArgumentException("activation of shape " + s + " is not d_in " + dIn + " per token");
        }
        if (skipFirst && positions == 1) {
            return x;
        }
        NDArray flat = x.reshape(new Shape(batch, positions, dIn));
        NDArray result = skipFirst
                ? NDArrays.concat(new NDList(flat.get(new NDIndex(":, :1")), fn.apply(flat.get(new NDIndex(":, 1:")))), 1)
                : fn.apply(flat);
        return result.reshape(s);
    }
}

package lab.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Shapes activations into what an SAE reads: [..., d_in] float32, hook_z's heads flattened. */
public final class SaeActivations {

    private SaeActivations() {
    }

    /**
     * @param where names the activations in the error when their shape does not fit the SAE
     * @return {@code x} as [..., d_in] float32: attn.hook_z [..., heads, d_head] is flattened over heads
     *     (SAELens's reshape_activations "hook_z")
     */
    public static NDArray toSaeInput(NDArray x, SaeConfig config, String where) {
        Shape s = x.getShape();
        NDArray f = x.getDataType() == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
        if (s.dimension() >= 1 && s.get(s.dimension() - 1) == config.dIn()) {
            return f;
        }
        if (s.dimension() >= 2 && s.get(s.dimension() - 1) * s.get(s.dimension() - 2) == config.dIn()) {
            long[] dims = s.slice(0, s.dimension() - 2).getShape();
            long[] flat = java.util.Arrays.copyOf(dims, dims.length + 1);
            flat[dims.length] = config.dIn();
            return f.reshape(new Shape(flat));
        }
        throw new IllegalArgumentException(where + " has shape " + s + " but the SAE's d_in is " + config.dIn()
                + (config.hookName().isEmpty() ? "" : " (it was trained on " + config.hookName() + ")")
                + "; give activations whose last dimension is d_in");
    }
}

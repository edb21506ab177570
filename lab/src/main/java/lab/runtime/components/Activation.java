package lab.runtime.components;

import ai.djl.ndarray.NDArray;
import lab.runtime.ModelConfig.ActivationKind;

/** Applies the configured MLP non-linearity. */
public final class Activation {

    private Activation() {
    }

    public static NDArray apply(ActivationKind kind, NDArray x) {
        return switch (kind) {
            case GELU_TANH -> Ops.geluTanh(x);
            case GELU -> Ops.gelu(x);
            case SILU -> Ops.silu(x);
            case RELU -> Ops.relu(x);
        };
    }
}

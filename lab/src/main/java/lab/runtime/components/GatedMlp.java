package lab.runtime.components;

import ai.djl.ndarray.NDArray;
import lab.runtime.ForwardPass;
import lab.runtime.ModelConfig.ActivationKind;

/**
 * SwiGLU-style MLP (Llama): {@code hook_pre} = x W_gate, {@code hook_pre_linear} = x W_in,
 * {@code hook_post} = act(hook_pre) * hook_pre_linear, as TransformerLens names them.
 */
public final class GatedMlp implements MlpLayer {

    private final String prefix;
    private final NDArray wGate;
    private final NDArray wIn;
    private final NDArray bIn;
    private final NDArray wOut;
    private final NDArray bOut;
    private final ActivationKind activation;

    /** Weights [out, in]; biases may be null. */
    public GatedMlp(String prefix, NDArray wGate, NDArray wIn, NDArray bIn, NDArray wOut, NDArray bOut,
                    ActivationKind activation) {
        this.prefix = prefix;
        this.wGate = wGate;
        this.wIn = wIn;
        this.bIn = bIn;
        this.wOut = wOut;
        this.bOut = bOut;
        this.activation = activation;
    }

    @Override
    public NDArray forward(ForwardPass pass, NDArray x) {
        NDArray pre = pass.hook(prefix + ".hook_pre", Ops.linear(x, wGate, null));
        NDArray preLinear = pass.hook(prefix + ".hook_pre_linear", Ops.linear(x, wIn, bIn));
        NDArray post = pass.hook(prefix + ".hook_post", Activation.apply(activation, pre).mul(preLinear));
        return Ops.linear(post, wOut, bOut);
    }
}

package lab.runtime.components;

import ai.djl.ndarray.NDArray;
import lab.runtime.ForwardPass;
import lab.runtime.ModelConfig.ActivationKind;

/** Two-layer MLP: {@code hook_pre} = x W_in + b_in, {@code hook_post} = act(hook_pre). */
public final class Mlp implements MlpLayer {

    private final String prefix;
    private final NDArray wIn;
    private final NDArray bIn;
    private final NDArray wOut;
    private final NDArray bOut;
    private final ActivationKind activation;

    /** Weights [out, in]; biases may be null. */
    public Mlp(String prefix, NDArray wIn, NDArray bIn, NDArray wOut, NDArray bOut, ActivationKind activation) {
        this.prefix = prefix;
        this.wIn = wIn;
        this.bIn = bIn;
        this.wOut = wOut;
        this.bOut = bOut;
        this.activation = activation;
    }

    @Override
    public NDArray forward(ForwardPass pass, NDArray x) {
        NDArray pre = pass.hook(prefix + ".hook_pre", Ops.linear(x, wIn, bIn));
        NDArray post = pass.hook(prefix + ".hook_post", Activation.apply(activation, pre));
        pass.release(prefix + ".hook_pre", pre);
        NDArray out = Ops.linear(post, wOut, bOut);
        pass.release(prefix + ".hook_post", post);
        return out;
    }
}

package lab.runtime.components;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import lab.runtime.ForwardPass;

/** LayerNorm with weight and bias; {@code hook_normalized} is the output after both. */
public final class LayerNorm implements Norm {

    private final String hookName;
    private final NDArray weight;
    private final NDArray bias;
    private final float eps;

    public LayerNorm(String prefix, NDArray weight, NDArray bias, double eps) {
        this.hookName = prefix + ".hook_normalized";
        this.weight = weight;
        this.bias = bias;
        this.eps = (float) eps;
    }

    @Override
    public NDArray forward(ForwardPass pass, NDArray x) {
        NDArray y = x.getNDArrayInternal()
                .layerNorm(x, new Shape(x.getShape().getLastDimension()), weight, bias, eps)
                .singletonOrThrow();
        return pass.hook(hookName, y);
    }
}

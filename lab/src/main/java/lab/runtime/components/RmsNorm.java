package lab.runtime.components;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import lab.runtime.ForwardPass;

/** RMSNorm (Llama): {@code x / sqrt(mean(x^2) + eps) * w}, computed in float32 as HF does. */
public final class RmsNorm implements Norm {

    private final String hookName;
    private final NDArray weight;
    private final double eps;

    public RmsNorm(String prefix, NDArray weight, double eps) {
        this.hookName = prefix + ".hook_normalized";
        this.weight = weight;
        this.eps = eps;
    }

    @Override
    public NDArray forward(ForwardPass pass, NDArray x) {
        DataType dtype = x.getDataType();
        NDArray x32 = x.toType(DataType.FLOAT32, false);
        NDArray rms = x32.square().mean(new int[] {-1}, true).add(eps).sqrt();
        NDArray y = x32.div(rms).toType(dtype, false).mul(weight);
        return pass.hook(hookName, y);
    }
}

package lab.runtime.components;

import ai.djl.ndarray.NDArray;
import lab.runtime.ForwardPass;

/** The feed-forward half of a block: [batch, pos, d_model] in and out. */
public interface MlpLayer {

    NDArray forward(ForwardPass pass, NDArray x);
}

package lab.runtime.components;

import ai.djl.ndarray.NDArray;
import lab.runtime.ForwardPass;

/** A normalisation over the last axis whose output is hook point {@code <prefix>.hook_normalized}. */
public interface Norm {

    NDArray forward(ForwardPass pass, NDArray x);
}

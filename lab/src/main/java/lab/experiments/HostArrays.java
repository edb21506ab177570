package lab.experiments;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Activations and weights copied to Java arrays, widened to float32 first (a float16 array has no float[] view). */
public final class HostArrays {

    private HostArrays() {
    }

    public static float[] floats(NDArray a) {
        return a.toType(DataType.FLOAT32, false).toFloatArray();
    }
}

package lab.runtime.loading;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.util.Locale;
import lab.runtime.ModelConfig.ActivationKind;

/** Small tensor and config helpers the converters share. */
final class Tensors {

    private Tensors() {
    }

    /** A [in, out] matrix (HF Conv1D) as a contiguous [out, in] one. */
    static NDArray transposed(NDArray t) {
        long rows = t.getShape().get(1);
        long cols = t.getShape().get(0);
        // flatten forces a contiguous copy; a bare transpose would stay a strided view
        return t.transpose().flatten().reshape(rows, cols);
    }

    /** Rows [from, to) of a matrix, or elements of a vector. */
    static NDArray rows(NDArray t, long from, long to) {
        return t.get(new NDIndex("{}:{}", from, to));
    }

    static ActivationKind activation(HfConfig hf, String key, String fallback) {
        String name = hf.string(key, fallback).toLowerCase(Locale.ROOT);
        return switch (name) {
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast", "gelu_tanh" -> ActivationKind.GELU_TANH;
            case "gelu" -> ActivationKind.GELU;
            case "silu", "swish" -> ActivationKind.SILU;
            case "relu" -> ActivationKind.RELU;
            default -> throw new ModelLoadException(hf.file() + ": activation '" + name
                    + "' is not supported (gelu_new, gelu, silu, relu are)");
        };
    }

    static int[] filled(int n, int value) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, value);
        return a;
    }

    static double[] filled(int n, double value) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, value);
        return a;
    }
}

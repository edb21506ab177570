package lab.runtime.loading;

import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/**
 * How to load a model.
 *
 * @param device auto, cpu, cuda, cuda:N or mps
 * @param dtype float32 (default) or float16 (bfloat16 is refused: see {@link #parseDtype})
 */
public record LoadOptions(String device, DataType dtype) {

    public static LoadOptions defaults() {
        return new LoadOptions("auto", DataType.FLOAT32);
    }

    public static LoadOptions cpu() {
        return new LoadOptions("cpu", DataType.FLOAT32);
    }

    public static DataType parseDtype(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "float32", "fp32", "f32" -> DataType.FLOAT32;
            case "float16", "fp16", "f16", "half" -> DataType.FLOAT16;
            // DJL 0.32's PyTorch JNI aborts the whole JVM converting to bfloat16 (std::terminate in
            // torchTo), so refuse it here rather than let a run die without a word
            case "bfloat16", "bf16" -> throw new IllegalArgumentException("dtype bfloat16 is not supported: DJL 0.32's"
                    + " PyTorch bindings abort the process when converting to it; use float16 or float32");
            default -> throw new IllegalArgumentException("unknown dtype '" + name + "'; use float32, float16 or bfloat16");
        };
    }
}

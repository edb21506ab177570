package lab.runtime;

import java.util.Map;
import java.util.TreeMap;

/** Architectures of well-known models, for benchmarks and from-scratch training without a checkpoint. */
public final class StandardShapes {

    private static final Map<String, ModelConfig> SHAPES = new TreeMap<>(Map.of(
            "gpt2-small", gpt2(12, 768, 12),
            "gpt2-medium", gpt2(24, 1024, 16)));

    private StandardShapes() {
    }

    public static ModelConfig get(String name) {
        ModelConfig c = SHAPES.get(name);
        if (c == null) {
            throw new IllegalArgumentException("unknown shape '" + name + "'; known: " + String.join(", ", SHAPES.keySet()));
        }
        return c;
    }

    /** A GPT-2-family architecture with GPT-2's vocabulary, context and 4x MLP. */
    public static ModelConfig gpt2(int layers, int dModel, int heads) {
        return gpt2(layers, dModel, heads, 50257, 1024);
    }

    public static ModelConfig gpt2(int layers, int dModel, int heads, int vocab, int context) {
        double[] scale = new double[layers];
        java.util.Arrays.fill(scale, 1.0 / Math.sqrt((double) dModel / heads));
        return new ModelConfig("gpt2", layers, heads, heads, dModel, dModel / heads, 4 * dModel, vocab, context,
                ModelConfig.NormKind.LAYER_NORM, 1e-5, ModelConfig.Positional.LEARNED, 0, 0, false,
                ModelConfig.ActivationKind.GELU_TANH, false, scale, new int[layers], true, vocab - 1);
    }
}

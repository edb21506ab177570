package lab.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Fresh weights for a {@link ModelConfig}, GPT-2 style: matrices and embeddings from N(0, std),
 * norm gains 1, biases 0. Drawn from a Java RNG seeded once, so the same seed gives the same
 * weights on every machine and device.
 */
public final class RandomWeights {

    private RandomWeights() {
    }

    public static ModelWeights create(NDManager manager, ModelConfig config, long seed, double std, DataType dtype) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, WeightLayout.Entry> e : WeightLayout.of(config).entrySet()) {
            String name = e.getKey();
            long[] shape = e.getValue().shape().getShape();
            int size = (int) e.getValue().shape().size();
            float[] values = new float[size];
            if (name.endsWith(".w")) {
                java.util.Arrays.fill(values, 1f);
            } else if (!isBias(name)) {
                for (int i = 0; i < size; i++) {
                    values[i] = (float) (gaussian(rng) * std);
                }
            }
            NDArray t = manager.create(values, new ai.djl.ndarray.types.Shape(shape)).toType(dtype, false);
            t.setName(name);
            tensors.put(name, t);
        }
        return new ModelWeights(manager, config, tensors);
    }

    private static boolean isBias(String name) {
        String leaf = name.substring(name.lastIndexOf('.') + 1);
        return leaf.startsWith("b");
    }

    private static double gaussian(SplittableRandom rng) {
        // Box-Muller: SplittableRandom has no nextGaussian on Java 17
        double u = 1.0 - rng.nextDouble();
        double v = rng.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}

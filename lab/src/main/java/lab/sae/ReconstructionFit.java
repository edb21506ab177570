package lab.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * How well an SAE reconstructs a set of activation rows, all at once: MSE per element, explained
 * variance {@code 1 - sum|x - x_hat|^2 / sum|x - mean(x)|^2} (sums over every row and dimension,
 * mean(x) per dimension over the rows) and L0 (active features per row, mean).
 */
public record ReconstructionFit(long rows, double mse, double explainedVariance, double l0) {

    public static ReconstructionFit measure(SparseAutoencoder sae, List<float[]> rows) {
        int dIn = sae.config().dIn();
        float[] flat = new float[rows.size() * dIn];
        for (int r = 0; r < rows.size(); r++) {
            System.arraycopy(rows.get(r), 0, flat, r * dIn, dIn);
        }
        try (NDManager m = NDManager.newBaseManager(sae.parameters().get(SparseAutoencoder.W_ENC).getDevice())) {
            NDArray x = m.create(flat, new Shape(rows.size(), dIn));
            NDArray f = sae.encode(x);
            NDArray xHat = sae.decode(f);
            double error = xHat.sub(x).square().sum().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
            double variance = x.sub(x.mean(new int[] {0}, true)).square().sum()
                    .toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
            double active = f.gt(0).toType(ai.djl.ndarray.types.DataType.FLOAT64, false).sum().getDouble();
            return new ReconstructionFit(rows.size(), error / ((double) rows.size() * dIn), 1 - error / variance,
                    active / rows.size());
        }
    }
}

package lab.experiments;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import lab.runtime.HookedTransformer;
import lab.runtime.ModelConfig;

/**
 * The final norm and unembedding written out in double precision from the model's weights, for
 * tests that must not trust the runtime's own forward: LayerNorm (x - mean) / sqrt(var + eps) * w + b
 * or RMSNorm x / sqrt(mean(x^2) + eps) * w, then logits = y . W_U[token] + b_U[token].
 */
public final class UnembedByHand {

    private final boolean layerNorm;
    private final double eps;
    private final float[] w;
    private final float[] b;
    private final float[] unembed;
    private final float[] unembedBias;
    private final int d;

    public UnembedByHand(HookedTransformer model) {
        ModelConfig c = model.config();
        this.layerNorm = c.norm() == ModelConfig.NormKind.LAYER_NORM;
        this.eps = c.normEps();
        this.d = c.dModel();
        this.w = floats(model.weights().require("ln_final.w"));
        this.b = layerNorm ? floats(model.weights().require("ln_final.b")) : null;
        this.unembed = floats(model.weights().require(c.tiedEmbeddings() ? "embed.W_E" : "unembed.W_U"));
        NDArray bias = model.weights().get("unembed.b_U");
        this.unembedBias = bias == null ? null : floats(bias);
    }

    /** The final norm's output for one residual vector. */
    public double[] normalize(float[] x) {
        double mean = 0;
        if (layerNorm) {
            for (float v : x) {
                mean += v;
            }
            mean /= d;
        }
        double sq = 0;
        for (float v : x) {
            sq += (v - mean) * (v - mean);
        }
        double scale = Math.sqrt(sq / d + eps);
        double[] y = new double[d];
        for (int i = 0; i < d; i++) {
            y[i] = (x[i] - mean) / scale * w[i] + (layerNorm ? b[i] : 0);
        }
        return y;
    }

    public double logit(double[] normalized, long token) {
        double sum = unembedBias == null ? 0 : unembedBias[(int) token];
        for (int i = 0; i < d; i++) {
            sum += normalized[i] * unembed[(int) token * d + i];
        }
        return sum;
    }

    /** logit(target) - logit(foil) of one residual vector. */
    public double logitDiff(float[] residual, long target, long foil) {
        double[] y = normalize(residual);
        return logit(y, target) - logit(y, foil);
    }

    public static float[] floats(NDArray a) {
        return a.toType(DataType.FLOAT32, false).toFloatArray();
    }
}

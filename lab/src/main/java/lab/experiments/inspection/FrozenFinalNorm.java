package lab.experiments.inspection;

import lab.experiments.HostArrays;

import ai.djl.ndarray.NDArray;
import lab.runtime.HookedTransformer;
import lab.runtime.ModelConfig;

/**
 * The final norm made linear by freezing its scale at one residual's value (TransformerLens's
 * {@code apply_ln_to_stack}), composed with the unembedding direction W_U[target] - W_U[foil]:
 * a part p of the residual contributes {@code (centre(p) / scale) . (w * direction)}, where
 * LayerNorm centres (subtracts the mean over d_model) and RMSNorm does not. What no part carries
 * (the norm's bias and the unembedding bias, each dotted with the direction) is {@link #constant}.
 * The contributions of parts that sum to the residual, plus the constant, are the logit
 * difference the model computes from it.
 */
final class FrozenFinalNorm {

    private final boolean centre;
    private final double scale;
    private final double[] direction;
    private final double constant;

    FrozenFinalNorm(HookedTransformer model, double[] residual, long target, long foil) {
        ModelConfig c = model.config();
        int d = c.dModel();
        this.centre = c.norm() == ModelConfig.NormKind.LAYER_NORM;
        double mean = centre ? mean(residual) : 0;
        double sq = 0;
        for (double v : residual) {
            sq += (v - mean) * (v - mean);
        }
        this.scale = Math.sqrt(sq / d + c.normEps());
        float[] w = HostArrays.floats(model.weights().require("ln_final.w"));
        float[] unembed = HostArrays.floats(model.weights().require(c.tiedEmbeddings() ? "embed.W_E" : "unembed.W_U"));
        double[] diff = new double[d];
        this.direction = new double[d];
        for (int i = 0; i < d; i++) {
            diff[i] = (double) unembed[(int) target * d + i] - unembed[(int) foil * d + i];
            direction[i] = w[i] * diff[i];
        }
        double k = 0;
        NDArray normBias = model.weights().get("ln_final.b");
        if (normBias != null) {
            float[] b = HostArrays.floats(normBias);
            for (int i = 0; i < d; i++) {
                k += b[i] * diff[i];
            }
        }
        NDArray unembedBias = model.weights().get("unembed.b_U");
        if (unembedBias != null) {
            float[] bU = HostArrays.floats(unembedBias);
            k += (double) bU[(int) target] - bU[(int) foil];
        }
        this.constant = k;
    }

    /** A part's direct contribution to the logit difference. */
    double contribution(double[] part) {
        double mean = centre ? mean(part) : 0;
        double sum = 0;
        for (int i = 0; i < part.length; i++) {
            sum += (part[i] - mean) * direction[i];
        }
        return sum / scale;
    }

    /** The norm's and the unembedding's biases along the direction. */
    double constant() {
        return constant;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }
}

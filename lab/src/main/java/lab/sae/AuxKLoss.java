package lab.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import lab.runtime.components.Ops;

/**
 * The AuxK auxiliary loss of Gao et al. 2024 ("Scaling and evaluating sparse autoencoders", A.2),
 * which gives dead topk features a gradient: each token's k_aux largest pre-activations among the
 * dead features only, through the ReLU, decode (without b_dec) an estimate e_hat of the residual
 * error e = x - x_hat of the live reconstruction, and the loss is |e - e_hat|^2.
 *
 * <p>Units as SAELens's TopK trainer: squared error summed over dimensions, mean over tokens, the
 * same units as the reconstruction loss and not divided by the error's variance (EleutherAI's sae
 * divides by it). Both terms scale with |x|^2, so the coefficient weighs them the same way at any
 * activation scale, and nothing is divided (no 0/0 when the error vanishes). As SAELens and
 * EleutherAI do, k_aux is capped at the number of dead features and the loss scaled by
 * min(dead / k_aux, 1), so a handful of dead features does not pull as hard as half a dictionary.
 * Differences from SAELens 6.18: e_hat has no b_dec (SAELens decodes with it, which makes b_dec
 * learn from this loss through the decoder) and the chosen pre-activations pass the ReLU (SAELens
 * keeps negative ones), both as the paper and EleutherAI's sae define e_hat.
 */
final class AuxKLoss {

    private AuxKLoss() {
    }

    /**
     * @param hiddenPre the step's pre-activations [n, d_sae], on the gradient tape
     * @param residual x - x_hat [n, d_in], off the tape: the live features do not learn from this loss
     * @param dead the dead features; at least one
     * @param kAux dead features kept per token before the cap at the number of dead features
     * @return a scalar: min(dead / kAux, 1) times the mean over tokens of sum_i (e_i - e_hat_i)^2
     */
    static NDArray of(SparseAutoencoder sae, NDArray hiddenPre, NDArray residual, boolean[] dead, int kAux) {
        int dSae = sae.config().dSae();
        if (dead.length != dSae || kAux < 1) {
            throw new IllegalArgumentException("AuxK needs a dead mask of d_sae (" + dSae + ") entries and k_aux >= 1,"
                    + " got " + dead.length + " and " + kAux);
        }
        float[] offset = new float[dSae];
        int deadCount = 0;
        for (int j = 0; j < dSae; j++) {
            if (dead[j]) {
                deadCount++;
            } else {
                // live features sink below every dead one; added (never multiplied) so no inf * 0 = NaN
                offset[j] = Float.NEGATIVE_INFINITY;
            }
        }
        if (deadCount == 0) {
            throw new IllegalArgumentException("AuxK needs at least one dead feature");
        }
        int k = Math.min(kAux, deadCount);
        double scale = Math.min((double) deadCount / kAux, 1.0);
        NDArray ranked = hiddenPre.stopGradient().add(Ops.owned(hiddenPre.getManager(), offset, new Shape(dSae)));
        // the k-th largest dead pre-activation per token is finite (k <= dead), so no live feature reaches it
        NDArray kth = ranked.topK(k, -1, true, false).get(0).min(new int[] {-1}, true);
        NDArray keep = ranked.gte(kth).toType(hiddenPre.getDataType(), false);
        NDArray eHat = sae.decodeDirections(Ops.relu(hiddenPre).mul(keep));
        NDArray perToken = eHat.sub(residual).square().sum(new int[] {1});
        return perToken.mean().mul(Ops.scalar(perToken, scale));
    }
}

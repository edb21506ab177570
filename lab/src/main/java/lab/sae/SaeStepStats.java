package lab.sae;

/**
 * One training step's figures, over the step's batch.
 *
 * @param mse mean squared error per element (over tokens and dimensions)
 * @param explainedVariance 1 - sum|x - x_hat|^2 / sum|x - mean(x)|^2, the sums over the batch's
 *     tokens and dimensions, mean(x) the batch mean per dimension
 * @param l0 features active per token (mean)
 * @param l1 sum of feature activations per token (mean; not weighted by decoder norms)
 * @param loss what was minimised: per-token squared error summed over dimensions (mean over tokens),
 *     plus for standard the L1 coefficient times the decoder-norm-weighted L1, plus auxLoss
 * @param auxLoss topk: aux_k_coefficient times the AuxK loss of the features dead before the step
 *     (0 while none is dead, with AuxK off, and for standard)
 * @param deadFeatures features that have not fired over the last dead_feature_window tokens
 */
public record SaeStepStats(long step, double lr, double mse, double explainedVariance, double l0, double l1,
                           double loss, double auxLoss, int deadFeatures, long tokens) {
}

/**
 * Head ablation: one head at a time ({@code heads_zero}) and two together ({@code heads_pair_zero}),
 * by zeroing, scaling or moving a head's {@code hook_z} toward its mean over a reference set; the
 * batches start at the ablated layer from the clean run's cached residual (HeadAblationRuns).
 */
package lab.experiments.heads;

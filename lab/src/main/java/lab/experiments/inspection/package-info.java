/**
 * What a model computes where: logit lens, direct logit attribution through the frozen final norm,
 * ROME-style causal tracing, and the clean run's attention patterns.
 */
package lab.experiments.inspection;

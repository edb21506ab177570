/**
 * Activation patching between an example's clean and corrupt runs, in both directions
 * ({@code activation_patch}), and its gradient estimate ({@code attribution_patch}): both runs
 * cached once, receiving runs started at the patched layer, many patches to a forward.
 */
package lab.experiments.patching;

package lab.experiments;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.runtime.ForwardResult;
import lab.runtime.Hook;
import lab.runtime.HookedTransformer;
import lab.runtime.RunOptions;

/**
 * One forward of a prompt, caching the named hook points, and optionally one backward of its
 * last-position logit difference (target - foil): then also d logit_diff / d activation at each of
 * those points.
 *
 * <p>The gradient at a hook point is read from a zero leaf that a hook adds to the activation: the
 * value flowing on is unchanged, and the gradient still flows upstream through the activation
 * itself, so each point's gradient is the total derivative (what a backward hook gives in
 * TransformerLens). Replacing the activation with a leaf instead would cut every path through the
 * points above it. The weights need no gradient, so the backward computes only these paths.
 */
final class GradientRun {

    private final Map<String, NDArray> activations;
    private final Map<String, NDArray> gradients;
    private final double logitDiff;

    private GradientRun(Map<String, NDArray> activations, Map<String, NDArray> gradients, double logitDiff) {
        this.activations = activations;
        this.gradients = gradients;
        this.logitDiff = logitDiff;
    }

    /**
     * @param withGradient whether to run the backward (a run that only supplies source activations needs none)
     * @param extra further hooks on the same forward (e.g. a test freezing part of the model)
     */
    static GradientRun of(HookedTransformer model, NDManager manager, long[] prompt, long target, long foil,
                          Collection<String> hooks, boolean withGradient, Hook... extra) {
        Map<String, NDArray> leaves = new LinkedHashMap<>();
        List<Hook> all = new ArrayList<>(List.of(extra));
        if (withGradient) {
            for (String name : hooks) {
                all.add(Hook.replacing(name, x -> {
                    NDArray leaf = manager.zeros(x.getShape(), x.getDataType());
                    leaf.setRequiresGradient(true);
                    leaves.put(name, leaf);
                    return x.add(leaf);
                }));
            }
        }
        RunOptions options = RunOptions.defaults().caching(hooks.toArray(String[]::new)).unembedOnly(-1)
                .withHooks(all.toArray(Hook[]::new));
        Map<String, NDArray> activations = new LinkedHashMap<>();
        Map<String, NDArray> gradients = new LinkedHashMap<>();
        double logitDiff;
        try (GradientCollector gc = withGradient ? Engine.getInstance().newGradientCollector() : null) {
            ForwardResult r = model.run(manager, model.tokens(manager, prompt), options);
            NDArray last = r.output().reshape(-1);
            NDArray metric = last.get(target).sub(last.get(foil));
            logitDiff = metric.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
            if (gc != null) {
                gc.backward(metric);
                for (Map.Entry<String, NDArray> e : leaves.entrySet()) {
                    gradients.put(e.getKey(), e.getValue().getGradient().duplicate());
                }
            }
            for (String name : hooks) {
                activations.put(name, r.cache().get(name).stopGradient());
            }
        }
        return new GradientRun(activations, gradients, logitDiff);
    }

    /** The activation at a cached hook point, batch 1, detached from the graph. */
    NDArray activation(String hook) {
        return activations.get(hook);
    }

    /** d logit_diff / d activation at a hook point, the activation's shape; only with the backward run. */
    NDArray gradient(String hook) {
        NDArray g = gradients.get(hook);
        if (g == null) {
            throw new IllegalStateException("no gradient at " + hook + ": the run was made without its backward");
        }
        return g;
    }

    /** The run's logit difference, target - foil, at the last position. */
    double logitDiff() {
        return logitDiff;
    }
}

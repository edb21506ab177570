package lab.experiments.patching;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import lab.runtime.ForwardResult;
import lab.runtime.Hook;
import lab.runtime.HookNames;
import lab.runtime.HookedTransformer;
import lab.runtime.RunOptions;

/**
 * One forward of prompts of one length as the rows of a batch, caching the named hook points, and
 * one backward of the sum of the chosen rows' last-position logit differences (target - foil):
 * rows do not mix, so each chosen row's gradient is d (its own logit_diff) / d (its activation).
 *
 * <p>The gradient at a hook point is read from a zero leaf that a hook adds to the activation: the
 * value flowing on is unchanged, and the gradient still flows upstream through the activation
 * itself, so each point's gradient is the total derivative (what a backward hook gives in
 * TransformerLens). Replacing the activation with a leaf instead would cut every path through the
 * points above it. The weights need no gradient, so the backward computes only these paths.
 * A point made {@code detached} is the exception on purpose: nothing flows through it to the points
 * below, so their gradients are partial derivatives with that point held fixed (and those of
 * points that reach the metric only through it, a block's queries and keys below its pattern, are 0).
 */
final class GradientRun {

    private final Map<String, NDArray> activations;
    private final Map<String, NDArray> gradients;
    private final double[] logitDiffs;

    private GradientRun(Map<String, NDArray> activations, Map<String, NDArray> gradients, double[] logitDiffs) {
        this.activations = activations;
        this.gradients = gradients;
        this.logitDiffs = logitDiffs;
    }

    /**
     * @param prompts the rows, each as long as the others
     * @param gradientRows the rows whose logit difference is differentiated; none runs no backward
     */
    static GradientRun of(HookedTransformer model, NDManager manager, List<long[]> prompts, long target, long foil,
                          Collection<String> hooks, Collection<Integer> gradientRows) {
        return of(model, manager, prompts, target, foil, hooks, gradientRows, Set.of());
    }

    /**
     * @param detached hook points among {@code hooks} cut from what computes them: the backward stops
     *                 there (no gradient flows through them to the points below), while their own
     *                 gradient is still d metric / d (the point), so a point below is differentiated
     *                 as if that point were held fixed
     */
    static GradientRun of(HookedTransformer model, NDManager manager, List<long[]> prompts, long target, long foil,
                          Collection<String> hooks, Collection<Integer> gradientRows, Set<String> detached) {
        return run(model, manager, model.tokens(manager, prompts.toArray(long[][]::new)), 0, target, foil, hooks,
                gradientRows, detached);
    }

    /**
     * The same from block {@code layer} up, its input the residual entering it (every row, as
     * {@link #everyRow} gives it from a run that cached that block's hook_resid_pre): the blocks
     * below are not run again, and the backward stops at this block's input.
     */
    static GradientRun fromResidual(HookedTransformer model, NDManager manager, NDArray residual, int layer, long target,
                                    long foil, Collection<String> hooks, Collection<Integer> gradientRows,
                                    Set<String> detached) {
        return run(model, manager, residual, layer, target, foil, hooks, gradientRows, detached);
    }

    /** @param input token ids [rows, pos], or with {@code startLayer} above 0 the residual entering that block */
    private static GradientRun run(HookedTransformer model, NDManager manager, NDArray input, int startLayer, long target,
                                   long foil, Collection<String> hooks, Collection<Integer> gradientRows,
                                   Set<String> detached) {
        if (!hooks.containsAll(detached)) {
            throw new IllegalArgumentException("detached points " + detached + " must be among the hooks " + hooks);
        }
        boolean backward = !gradientRows.isEmpty();
        Map<String, NDArray> leaves = new LinkedHashMap<>();
        List<Hook> all = new ArrayList<>();
        if (backward) {
            for (String name : hooks) {
                all.add(zeroLeaf(name, manager, detached.contains(name) ? NDArray::stopGradient : x -> x, leaves));
            }
        }
        // the last block at the last position only (its other positions feed nothing that is read),
        // and the target's and foil's logits alone: W_U's other rows are never read, forward or backward
        String lastBlock = "blocks." + (model.config().nLayers() - 1) + ".";
        RunOptions options = RunOptions.defaults().startAt(startLayer).caching(hooks.toArray(String[]::new)).unembedOnly(-1)
                .logitsOf(target, foil).withHooks(all.toArray(Hook[]::new));
        HookNames names = model.hookNames();
        boolean narrowed = hooks.stream().noneMatch(name -> readsEveryQuery(names, name, lastBlock));
        if (narrowed) {
            options = options.narrowingLastBlock();
        }
        String padded = narrowed ? lastBlock : null;
        int rows = Math.toIntExact(input.getShape().get(0));
        int length = Math.toIntExact(input.getShape().get(1));
        Map<String, NDArray> activations = new LinkedHashMap<>();
        Map<String, NDArray> gradients = new LinkedHashMap<>();
        double[] logitDiffs;
        try (GradientCollector gc = backward ? Engine.getInstance().newGradientCollector() : null) {
            ForwardResult r = model.run(manager, input, options);
            NDArray last = r.output().reshape(rows, 2);
            NDArray diffs = last.get(":, 0").sub(last.get(":, 1"));
            logitDiffs = diffs.toType(DataType.FLOAT64, false).toDoubleArray();
            if (gc != null) {
                // a sum of row slices: no index array over Java memory for the backward to read
                NDArray metric = null;
                for (int row : gradientRows) {
                    metric = metric == null ? diffs.get(row) : metric.add(diffs.get(row));
                }
                gc.backward(metric);
                leaves.forEach((name, leaf) -> gradients.put(name, atEveryPosition(names, name, leaf.getGradient().duplicate(), padded, length)));
            }
            for (String name : hooks) {
                activations.put(name, atEveryPosition(names, name, r.cache().get(name).stopGradient(), padded, length));
            }
        }
        return new GradientRun(activations, gradients, logitDiffs);
    }

    /**
     * A hook that changes the activation at {@code name} by {@code change} and adds a zero leaf to
     * the result, made in {@code manager} and put in {@code leaves}: the leaf's gradient is then d
     * metric / d (the changed activation), the total derivative, as the class comment says.
     */
    static Hook zeroLeaf(String name, NDManager manager, UnaryOperator<NDArray> change, Map<String, NDArray> leaves) {
        return Hook.replacing(name, x -> {
            NDArray leaf = manager.zeros(x.getShape(), x.getDataType());
            leaf.setRequiresGradient(true);
            leaves.put(name, leaf);
            return change.apply(x).add(leaf);
        });
    }

    /**
     * Whether a point is one of the last block's attention points before hook_z that a narrowed
     * block would hold at the last query alone: AtP* of queries and keys rebuilds that block's
     * pattern from all its queries, so the block is then computed whole.
     */
    private static boolean readsEveryQuery(HookNames names, String name, String lastBlock) {
        return name.startsWith(lastBlock) && names.beforeZ(name) && names.queryAxis(name) >= 0;
    }

    /**
     * A point of the last block with every position along its query axis ({@link HookNames#queryAxis}):
     * the forward computed those after the keys and values at the last position alone, and they are
     * zero before it. Nothing reads those positions past the last block, so their gradient is
     * exactly zero, and so is every term (source - receiver) . gradient there, as the full forward
     * would give. Points that hold every position, points outside the last block, and every point
     * when the block was not narrowed ({@code narrowedBlock} null) come back as they are.
     */
    private static NDArray atEveryPosition(HookNames names, String name, NDArray x, String narrowedBlock, int length) {
        int axis = narrowedBlock == null || !name.startsWith(narrowedBlock) ? -1 : names.queryAxis(name);
        if (axis < 0 || x.getShape().get(axis) == length) {
            return x;
        }
        long[] before = x.getShape().getShape();
        before[axis] = length - x.getShape().get(axis);
        try (NDArray zeros = x.getManager().zeros(new Shape(before), x.getDataType()); x) {
            return zeros.concat(x, axis);
        }
    }

    /**
     * Row {@code row}'s activation at a cached hook point, batch 1, detached from the graph; at the
     * last block's points after its keys and values, zero before the last position (see
     * {@link #atEveryPosition}).
     */
    NDArray activation(String hook, int row) {
        return activations.get(hook).get("{}:{}", row, row + 1);
    }

    /** Every row's activation at a cached hook point, detached from the graph. */
    NDArray everyRow(String hook) {
        return activations.get(hook);
    }

    /** d logit_diff / d activation of a gradient row at a hook point, batch 1. */
    NDArray gradient(String hook, int row) {
        NDArray g = gradients.get(hook);
        if (g == null) {
            throw new IllegalStateException("no gradient at " + hook + ": the run was made without its backward");
        }
        return g.get("{}:{}", row, row + 1);
    }

    /** A row's logit difference, target - foil, at the last position. */
    double logitDiff(int row) {
        return logitDiffs[row];
    }
}

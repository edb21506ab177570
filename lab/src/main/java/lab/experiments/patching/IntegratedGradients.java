package lab.experiments.patching;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import lab.runtime.ForwardResult;
import lab.runtime.Hook;
import lab.runtime.HookedTransformer;
import lab.runtime.RunOptions;

/**
 * Integrated gradients of logit_diff along the straight path that moves every cell of one hook
 * point from the receiver's activation to the source's together (as Marks et al.'s sparse feature
 * circuits do per layer): the gradient averaged over {@code steps} midpoints alpha = (i + 0.5) /
 * steps, times (source - receiver). AtP is this with one point at alpha = 0. Where a patch is far
 * from first order (a whole token's residual swapped), the average over the path sees the curve
 * AtP's single tangent misses; the cells' terms sum to the effect of patching the whole point at
 * once, up to the Riemann sum's error. The points are the rows of one forward and one backward.
 */
final class IntegratedGradients {

    private IntegratedGradients() {
    }

    /**
     * (source - receiver) . mean gradient, summed over the feature axis, in AttributionPatch's layout
     * ([pos] or [pos * heads + head]).
     *
     * @param receiver the receiving prompt's tokens
     * @param receiverActivation,sourceActivation the two runs' activations at {@code hook}, batch 1
     */
    static double[] terms(HookedTransformer model, NDManager manager, long[] receiver, String hook,
                          NDArray receiverActivation, NDArray sourceActivation, long target, long foil, int steps) {
        long[] alphaShape = new long[receiverActivation.getShape().dimension()];
        Arrays.fill(alphaShape, 1);
        alphaShape[0] = steps;
        float[] alphas = new float[steps];
        for (int i = 0; i < steps; i++) {
            alphas[i] = (i + 0.5f) / steps;
        }
        long[][] rows = new long[steps][];
        Arrays.fill(rows, receiver);
        // this call's arrays live in a manager of its own, freed once the terms are copied out:
        // a run makes one call per layer and direction
        try (NDManager call = manager.newSubManager()) {
            NDArray delta = sourceActivation.sub(receiverActivation);
            delta.attach(call);
            NDArray moved = call.create(alphas, new Shape(alphaShape)).toType(delta.getDataType(), false).mul(delta);
            Map<String, NDArray> leaves = new HashMap<>();
            Hook path = GradientRun.zeroLeaf(hook, call, x -> x.add(moved), leaves);
            // the target's and foil's logits at the last position alone; the last block narrows to
            // that position by itself unless the path's point is one it would narrow
            RunOptions options = RunOptions.defaults().unembedOnly(-1).logitsOf(target, foil).withHooks(path);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                ForwardResult r = model.run(call, model.tokens(call, rows), options);
                NDArray last = r.output().reshape(steps, 2);
                gc.backward(last.get(":, 0").sub(last.get(":, 1")).sum());
                NDArray meanGradient = leaves.get(hook).getGradient().toType(DataType.FLOAT64, false).mean(new int[] {0}, true);
                return delta.toType(DataType.FLOAT64, false).mul(meanGradient).sum(new int[] {-1}).toDoubleArray();
            }
        }
    }
}

package lab.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.function.UnaryOperator;
import lab.runtime.components.Ops;

/**
 * Hook functions for the usual interventions. Each computes its result from the activation it
 * is given, so the result lands in the forward's scope (see {@link Hook}).
 */
public final class Interventions {

    private Interventions() {
    }

    /**
     * Multiplies chosen heads by a factor (0 zeroes them).
     *
     * @param headAxis 2 for hook_q/k/v/z [batch, pos, head, d_head]; 1 for hook_attn_scores and
     *     hook_pattern [batch, head, query, key]
     * @param scaleByHead head index to factor; heads not named keep factor 1
     */
    public static UnaryOperator<NDArray> scaleHeads(int headAxis, Map<Integer, Double> scaleByHead) {
        return x -> {
            long heads = x.getShape().get(headAxis);
            float[] factors = new float[(int) heads];
            java.util.Arrays.fill(factors, 1f);
            scaleByHead.forEach((head, scale) -> {
                if (head < 0 || head >= heads) {
                    throw new IllegalArgumentException("head " + head + " out of range 0.." + (heads - 1));
                }
                factors[head] = scale.floatValue();
            });
            long[] shape = new long[x.getShape().dimension()];
            java.util.Arrays.fill(shape, 1);
            shape[headAxis] = heads;
            NDArray f = Ops.owned(x.getManager(), factors, new Shape(shape)).toType(x.getDataType(), false);
            return x.mul(f);
        };
    }

    /**
     * Multiplies each batch row's heads by its own factors, in one multiplication: row r, head h
     * is scaled by {@code factors[r][h]}. The batched form of many per-row {@link #scaleHeads}.
     *
     * @param headAxis as in {@link #scaleHeads}
     */
    public static UnaryOperator<NDArray> scaleHeadsPerRow(int headAxis, float[][] factors) {
        return scaleHeadsPerRow(headAxis, factors, ALL_POSITIONS);
    }

    /**
     * As {@link #scaleHeadsPerRow(int, float[][])}, but only at one position (axis 1 of hook_z
     * [batch, pos, head, d_head]; negative counts from the end); other positions keep factor 1.
     */
    public static UnaryOperator<NDArray> scaleHeadsPerRowAt(float[][] factors, int position) {
        return scaleHeadsPerRow(2, factors, position);
    }

    private static final int ALL_POSITIONS = Integer.MIN_VALUE;

    private static UnaryOperator<NDArray> scaleHeadsPerRow(int headAxis, float[][] factors, int position) {
        return x -> {
            long rows = x.getShape().get(0);
            long heads = x.getShape().get(headAxis);
            if (factors.length != rows || factors[0].length != heads) {
                throw new IllegalArgumentException("head factors are " + factors.length + " x " + factors[0].length
                        + " but the activation has " + rows + " rows and " + heads + " heads");
            }
            float[] flat = new float[(int) (rows * heads)];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(factors[r], 0, flat, (int) (r * heads), (int) heads);
            }
            long[] shape = new long[x.getShape().dimension()];
            java.util.Arrays.fill(shape, 1);
            shape[0] = rows;
            shape[headAxis] = heads;
            NDArray f = Ops.owned(x.getManager(), flat, new Shape(shape)).toType(x.getDataType(), false);
            if (position == ALL_POSITIONS) {
                return x.mul(f);
            }
            long length = x.getShape().get(1);
            long at = position < 0 ? length + position : position;
            if (at < 0 || at >= length) {
                throw new IllegalArgumentException("position " + position + " out of range for length " + length);
            }
            // scale only that position: x + (f - 1) * x * onehot(at)
            float[] onehot = new float[(int) length];
            onehot[(int) at] = 1f;
            long[] posShape = new long[x.getShape().dimension()];
            java.util.Arrays.fill(posShape, 1);
            posShape[1] = length;
            NDArray mask = Ops.owned(x.getManager(), onehot, new Shape(posShape)).toType(x.getDataType(), false);
            return x.add(x.mul(f.sub(1)).mul(mask));
        };
    }

    /**
     * Moves each batch row's heads of hook_z [batch, pos, head, d_head] toward reference values:
     * row r, head h becomes {@code x + (x - values) * (factors[r][h] - 1)}, i.e. the values at factor
     * 0 (mean ablation when they are a mean), x itself at factor 1, and in between the straight line.
     * Written that way so that a factor of 1 leaves x bit for bit as it was.
     *
     * @param values reference activations, flattened, of shape {@code valuesShape}: [1, pos, head,
     *     d_head] (one value per position) or [1, 1, head, d_head] (the same at every position)
     * @param position a position to act on alone (negative counts from the end), or null for all
     */
    public static UnaryOperator<NDArray> interpolateHeadsPerRow(float[][] factors, float[] values, Shape valuesShape,
                                                               Integer position) {
        return x -> {
            long rows = x.getShape().get(0);
            long length = x.getShape().get(1);
            long heads = x.getShape().get(2);
            if (factors.length != rows || factors[0].length != heads) {
                throw new IllegalArgumentException("head factors are " + factors.length + " x " + factors[0].length
                        + " but the activation has " + rows + " rows and " + heads + " heads");
            }
            if (valuesShape.dimension() != 4 || valuesShape.get(0) != 1 || valuesShape.get(2) != heads
                    || valuesShape.get(3) != x.getShape().get(3) || (valuesShape.get(1) != 1 && valuesShape.get(1) != length)) {
                throw new IllegalArgumentException("reference values have shape " + valuesShape + " but hook_z is "
                        + x.getShape() + " (expected [1, " + length + " or 1, " + heads + ", " + x.getShape().get(3) + "])");
            }
            float[] flat = new float[(int) (rows * heads)];
            for (int r = 0; r < rows; r++) {
                for (int h = 0; h < heads; h++) {
                    flat[(int) (r * heads + h)] = factors[r][h] - 1f;
                }
            }
            NDArray weight = Ops.owned(x.getManager(), flat, new Shape(rows, 1, heads, 1)).toType(x.getDataType(), false);
            if (position != null) {
                long at = position < 0 ? length + position : position;
                if (at < 0 || at >= length) {
                    throw new IllegalArgumentException("position " + position + " out of range for length " + length);
                }
                float[] onehot = new float[(int) length];
                onehot[(int) at] = 1f;
                weight = weight.mul(Ops.owned(x.getManager(), onehot, new Shape(1, length, 1, 1)).toType(x.getDataType(), false));
            }
            NDArray reference = Ops.owned(x.getManager(), values, valuesShape).toType(x.getDataType(), false);
            return x.add(x.sub(reference).mul(weight));
        };
    }

    /** Zeroes one head of hook_z (its slice of the attention output before W_O). */
    public static UnaryOperator<NDArray> zeroHead(int head) {
        return scaleHeads(2, Map.of(head, 0.0));
    }

    /**
     * Replaces the activation at the given positions (axis 1) with the source's values there.
     *
     * @param source same shape as the activation, or batch 1 to patch every row alike
     */
    public static UnaryOperator<NDArray> patchPositions(NDArray source, int... positions) {
        return x -> {
            long length = x.getShape().get(1);
            boolean[] chosen = new boolean[(int) length];
            for (int p : positions) {
                int at = p < 0 ? (int) (length + p) : p;
                if (at < 0 || at >= length) {
                    throw new IllegalArgumentException("position " + p + " out of range for length " + length);
                }
                chosen[at] = true;
            }
            long[] maskShape = new long[x.getShape().dimension()];
            java.util.Arrays.fill(maskShape, 1);
            maskShape[1] = length;
            return patchWhere(x, source, chosen, new Shape(maskShape));
        };
    }

    /**
     * Replaces chosen cells of the activation with the source's values there, each batch row with
     * its own choice, in one {@code where}: the batched form of many per-row {@link #patchPositions}.
     * The cells are indexed by the activation's leading axes (batch first, e.g. [batch, pos] of a
     * residual or [batch, pos, head] of hook_z); a chosen cell is replaced whole along the axes after.
     *
     * @param source the activation's shape, or batch 1 to draw every row from the same values
     * @param chosen row-major over {@code leading}; true where the source's value goes in
     * @param leading the leading axes' sizes, the first being the batch
     */
    public static UnaryOperator<NDArray> patchCells(NDArray source, boolean[] chosen, long... leading) {
        Shape cells = new Shape(leading);
        if (chosen.length != cells.size()) {
            throw new IllegalArgumentException(chosen.length + " cell choices for leading axes " + cells);
        }
        return x -> {
            Shape xs = x.getShape();
            if (xs.dimension() < leading.length || !xs.slice(0, leading.length).equals(cells)) {
                throw new IllegalArgumentException("cell choices cover " + cells + " but the activation has " + xs);
            }
            long[] maskShape = new long[xs.dimension()];
            java.util.Arrays.fill(maskShape, 1);
            System.arraycopy(leading, 0, maskShape, 0, leading.length);
            return patchWhere(x, source, chosen, new Shape(maskShape));
        };
    }

    /**
     * x with the source's values where {@code chosen} (laid out as {@code maskShape}, broadcast to
     * x's shape) is true.
     */
    private static NDArray patchWhere(NDArray x, NDArray source, boolean[] chosen, Shape maskShape) {
        Shape xs = x.getShape();
        if (!source.getShape().slice(1).equals(xs.slice(1))
                || (source.getShape().get(0) != 1 && source.getShape().get(0) != xs.get(0))) {
            throw new IllegalArgumentException("patch source has shape " + source.getShape()
                    + " but the activation has " + xs + " (batch 1 or the same batch)");
        }
        NDArray keep = Ops.owned(x.getManager(), invert(chosen), maskShape).broadcast(xs);
        // built from x, so that the copy (and the result of where, called on x) land in the
        // forward's scope rather than in the source's manager
        NDArray patch = x.zerosLike().add(source.toDevice(x.getDevice(), false).toType(x.getDataType(), false));
        return x.getNDArrayInternal().where(keep, patch);
    }

    /** Replaces the whole activation with a copy of {@code source} (broadcast to its shape). */
    public static UnaryOperator<NDArray> replaceWith(NDArray source) {
        return x -> x.zerosLike().add(source);
    }

    private static boolean[] invert(boolean[] chosen) {
        boolean[] keep = new boolean[chosen.length];
        for (int i = 0; i < chosen.length; i++) {
            keep[i] = !chosen[i];
        }
        return keep;
    }
}

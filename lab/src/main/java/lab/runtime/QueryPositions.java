package lab.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import lab.runtime.components.Ops;

/**
 * The positions whose outputs a block computes when fewer than all are read: a run that unembeds
 * only some positions needs, in its last block, the keys and values of every position but the
 * queries, attention output, MLP and residual of those positions alone. Positions count from the
 * start, negative ones from the end; order and repeats are kept, as the unembedding reads them.
 */
public final class QueryPositions {

    private final int[] positions;

    private QueryPositions(int[] positions) {
        this.positions = positions.clone();
    }

    /** @param positions as {@link RunOptions#positions()} names them */
    public static QueryPositions of(int[] positions) {
        if (positions.length == 0) {
            throw new IllegalArgumentException("no positions to read");
        }
        return new QueryPositions(positions);
    }

    /**
     * The chosen positions of {@code x} along {@code axis}, in order: one slice (a view) when they
     * are consecutive, as answer positions are, else the slices concatenated.
     */
    public NDArray pick(NDArray x, int axis) {
        long length = x.getShape().get(axis);
        long[] at = new long[positions.length];
        boolean consecutive = true;
        for (int i = 0; i < at.length; i++) {
            at[i] = positions[i] < 0 ? length + positions[i] : positions[i];
            if (at[i] < 0 || at[i] >= length) {
                throw new IllegalArgumentException("position " + positions[i] + " is outside a sequence of " + length);
            }
            consecutive &= i == 0 || at[i] == at[i - 1] + 1;
        }
        if (consecutive) {
            return x.get(new NDIndex(":, ".repeat(axis) + "{}:{}", at[0], at[0] + at.length));
        }
        return Ops.slices(x, axis, at);
    }
}

package lab.sae;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Training batches from a stream of activation rows, mixed by a seeded shuffled buffer (as
 * SAELens's activation store does): fill to capacity, shuffle, hand out batches until half is
 * left, refill. Each row of the stream is handed out once; a final remainder smaller than a batch
 * is dropped.
 */
public final class ActivationBuffer {

    private final Supplier<float[][]> source;
    private final int dIn;
    private final int capacity;
    private final int batchSize;
    private final Random random;
    private final List<float[]> rows = new ArrayList<>();
    private boolean exhausted;

    /**
     * Everything a buffer holds between two batches, to continue exactly where it was.
     *
     * @param rows the rows held, in the buffer's order, [n * d_in] row-major
     * @param random the shuffling Random's state ({@link RandomState})
     * @param exhausted whether the source has ended
     */
    public record State(float[] rows, byte[] random, boolean exhausted) {
    }

    /** Half the largest Java array: room for the rows one refill adds beyond the capacity. */
    static final long MAX_VALUES = Integer.MAX_VALUE / 2;

    /** @param source the next chunk of rows (e.g. one text's activations), or null when the stream has ended */
    public ActivationBuffer(Supplier<float[][]> source, int dIn, int capacity, int batchSize, long seed) {
        this(source, dIn, capacity, batchSize, new Random(seed));
    }

    /** A buffer continuing from {@code state} (what {@link #state()} returned) on the rest of the stream. */
    public ActivationBuffer(Supplier<float[][]> source, int dIn, int capacity, int batchSize, State state) {
        this(source, dIn, capacity, batchSize, RandomState.load(state.random()));
        if (state.rows().length % dIn != 0) {
            throw new IllegalArgumentException("a saved buffer of " + state.rows().length + " values is not whole rows of d_in " + dIn);
        }
        for (int r = 0; r < state.rows().length / dIn; r++) {
            rows.add(Arrays.copyOfRange(state.rows(), r * dIn, (r + 1) * dIn));
        }
        this.exhausted = state.exhausted();
    }

    private ActivationBuffer(Supplier<float[][]> source, int dIn, int capacity, int batchSize, Random random) {
        // its state is saved as one float array at each checkpoint: refuse at the start what would fail there
        if ((long) capacity * dIn > MAX_VALUES) {
            throw new IllegalArgumentException("experiment.buffer_tokens (" + capacity + ") x d_in (" + dIn + ") is more values"
                    + " than one checkpoint array holds (" + MAX_VALUES + "); lower buffer_tokens to at most " + MAX_VALUES / dIn);
        }
        this.source = source;
        this.dIn = dIn;
        this.capacity = capacity;
        this.batchSize = batchSize;
        this.random = random;
    }

    /** A copy of what the buffer holds now. */
    public State state() {
        if ((long) rows.size() * dIn > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException(rows.size() + " rows of " + dIn + " values do not fit one array; lower"
                    + " experiment.buffer_tokens");
        }
        float[] flat = new float[rows.size() * dIn];
        for (int r = 0; r < rows.size(); r++) {
            System.arraycopy(rows.get(r), 0, flat, r * dIn, dIn);
        }
        return new State(flat, RandomState.save(random), exhausted);
    }

    /** The next batch [batchSize * d_in] row-major, or null when the stream has no full batch left. */
    public float[] next() {
        if (rows.size() <= capacity / 2 && !exhausted) {
            refill();
        }
        if (rows.size() < batchSize) {
            return null;
        }
        float[] batch = new float[batchSize * dIn];
        for (int r = 0; r < batchSize; r++) {
            System.arraycopy(rows.remove(rows.size() - 1), 0, batch, r * dIn, dIn);
        }
        return batch;
    }

    private void refill() {
        while (rows.size() < capacity) {
            float[][] chunk = source.get();
            if (chunk == null) {
                exhausted = true;
                break;
            }
            Collections.addAll(rows, chunk);
        }
        Collections.shuffle(rows, random);
    }
}

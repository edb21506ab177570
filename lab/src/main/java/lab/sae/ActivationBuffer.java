package lab.sae;

import java.util.ArrayList;
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

    /** @param source the next chunk of rows (e.g. one text's activations), or null when the stream has ended */
    public ActivationBuffer(Supplier<float[][]> source, int dIn, int capacity, int batchSize, long seed) {
        this.source = source;
        this.dIn = dIn;
        this.capacity = capacity;
        this.batchSize = batchSize;
        this.random = new Random(seed);
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

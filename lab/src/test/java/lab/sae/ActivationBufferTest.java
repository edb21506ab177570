package lab.sae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The shuffled buffer hands every row out once, mixed, in an order fixed by its seed. */
class ActivationBufferTest {

    /** 10 chunks of 7 rows; row r is [r, 1000 + r]. */
    static Supplier<float[][]> chunks() {
        int[] next = {0};
        return () -> {
            if (next[0] >= 70) {
                return null;
            }
            float[][] chunk = new float[7][];
            for (int i = 0; i < 7; i++) {
                chunk[i] = new float[] {next[0], 1000 + next[0]};
                next[0]++;
            }
            return chunk;
        };
    }

    static List<Float> drain(long seed) {
        ActivationBuffer buffer = new ActivationBuffer(chunks(), 2, 32, 8, seed);
        List<Float> firsts = new ArrayList<>();
        for (float[] batch = buffer.next(); batch != null; batch = buffer.next()) {
            assertEquals(16, batch.length);
            for (int r = 0; r < 8; r++) {
                assertEquals(1000 + batch[2 * r], batch[2 * r + 1], "rows stay whole");
                firsts.add(batch[2 * r]);
            }
        }
        assertNull(buffer.next());
        return firsts;
    }

    @Test
    void everyRowOnceShuffledAndSeeded() {
        List<Float> a = drain(3);
        assertEquals(64, a.size(), "70 rows give 8 full batches; the last 6 rows are dropped");
        assertEquals(64, a.stream().distinct().count(), "no row twice");
        List<Float> sorted = new ArrayList<>(a);
        sorted.sort(null);
        assertFalse(a.equals(sorted), "the order is mixed");
        assertEquals(a, drain(3), "same seed, same order");
        assertFalse(a.equals(drain(4)), "another seed, another order");
    }
}

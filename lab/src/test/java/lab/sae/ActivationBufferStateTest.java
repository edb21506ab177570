package lab.sae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** A buffer (and a Random) continued from a saved state hands out what the original goes on to hand out. */
class ActivationBufferStateTest {

    @Test
    void aRandomRestoredFromItsStateDrawsTheSameNumbers() {
        Random original = new Random(42);
        original.nextInt(17);
        original.nextGaussian();  // leaves a cached Gaussian, part of the state
        Random copy = RandomState.load(RandomState.save(original));
        for (int i = 0; i < 100; i++) {
            assertEquals(original.nextInt(1000 + i), copy.nextInt(1000 + i));
        }
        assertEquals(original.nextGaussian(), copy.nextGaussian());
        var e = assertThrows(IllegalArgumentException.class, () -> RandomState.load(new byte[] {1, 2, 3}));
        assertTrue(e.getMessage().startsWith("a saved random state cannot be read"), e.getMessage());
    }

    @Test
    void aBufferRestoredMidStreamHandsOutTheSameBatches() {
        int dIn = 3;
        ActivationBuffer whole = new ActivationBuffer(chunks(dIn), dIn, 20, 4, 5);
        int[] pulled = {0};
        Supplier<float[][]> source = chunks(dIn);
        ActivationBuffer first = new ActivationBuffer(() -> {
            pulled[0]++;
            return source.get();
        }, dIn, 20, 4, 5);
        Supplier<float[][]> rest = chunks(dIn);
        for (int i = 0; i < 7; i++) {
            assertArrayEquals(whole.next(), first.next());
        }
        // the rest of the stream as a resumed run reads it: from the chunk after those already pulled
        for (int i = 0; i < pulled[0]; i++) {
            rest.get();
        }
        ActivationBuffer resumed = new ActivationBuffer(rest, dIn, 20, 4, first.state());
        int batches = 7;
        for (float[] b = whole.next(); b != null; b = whole.next(), batches++) {
            assertArrayEquals(b, resumed.next(), "batch " + batches);
        }
        assertNull(resumed.next());
        assertEquals(40 * 3 / 4, batches, "every row handed out once, refilled after the restore");
    }

    /** 40 chunks of 3 rows, each row's values its index. */
    private static Supplier<float[][]> chunks(int dIn) {
        int[] next = {0};
        return () -> {
            if (next[0] >= 40) {
                return null;
            }
            float[][] rows = new float[3][dIn];
            for (int r = 0; r < 3; r++) {
                java.util.Arrays.fill(rows[r], next[0] * 3 + r);
            }
            next[0]++;
            return rows;
        };
    }
}

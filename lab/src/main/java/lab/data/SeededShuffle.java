package lab.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Fisher-Yates shuffle from a seed. SplittableRandom's sequence is specified bit for bit, so the
 * same seed gives the same order on every JVM and machine.
 */
public final class SeededShuffle {

    private SeededShuffle() {
    }

    public static <T> List<T> shuffled(List<T> items, long seed) {
        List<T> out = new ArrayList<>(items);
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = out.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            T t = out.get(i);
            out.set(i, out.get(j));
            out.set(j, t);
        }
        return out;
    }
}

package lab.harness.run;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Which examples a seed sees: a seeded shuffle of the subset, first {@code n} taken. The same
 * seed draws the same examples on every machine (SplittableRandom is specified bit for bit).
 */
final class ExampleDraw {

    private ExampleDraw() {
    }

    /** @param n how many; null or at least the subset's size means all of them, in corpus order */
    static <T> List<T> forSeed(List<T> subset, Integer n, long seed) {
        if (n == null || n >= subset.size()) {
            return List.copyOf(subset);
        }
        List<T> shuffled = new ArrayList<>(subset);
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = shuffled.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            T t = shuffled.get(i);
            shuffled.set(i, shuffled.get(j));
            shuffled.set(j, t);
        }
        return List.copyOf(shuffled.subList(0, n));
    }
}

package lab.harness.run;

import java.util.List;
import lab.data.SeededShuffle;

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
        List<T> shuffled = SeededShuffle.shuffled(subset, seed);
        return List.copyOf(shuffled.subList(0, n));
    }
}

package lab.training;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Single-name copying: "[w..] {N} w w , [w..] w to {N}" with random filler and exactly one name,
 * whose answer is that name. It is not an IOI sentence (one name, nothing repeated, nothing to
 * choose between), but it makes every name, held-out ones included, an ordinary output of the
 * "copy the name in context" path at a "to"; without it, held-out names are never an answer there
 * and training names win whenever the IOI signal for a held-out name is weak.
 */
public final class NameCopyTask {

    private final List<String> names;
    private final List<String> fillerWords;

    public NameCopyTask(List<String> names, List<String> fillerWords) {
        if (names.isEmpty() || fillerWords.isEmpty()) {
            throw new IllegalArgumentException("name copying needs names and filler");
        }
        this.names = List.copyOf(names);
        this.fillerWords = List.copyOf(fillerWords);
    }

    /** The prompt up to "to" and its answer, the one name in it. */
    public String[] sample(SplittableRandom rng) {
        String name = names.get(rng.nextInt(names.size()));
        List<String> words = new ArrayList<>();
        filler(rng, words, rng.nextInt(3));
        words.add(name);
        filler(rng, words, 1 + rng.nextInt(6));
        words.add(rng.nextBoolean() ? "," : ".");
        filler(rng, words, 1 + rng.nextInt(5));
        words.add("to");
        return new String[] {String.join(" ", words), name};
    }

    private void filler(SplittableRandom rng, List<String> out, int count) {
        for (int i = 0; i < count; i++) {
            out.add(fillerWords.get(rng.nextInt(fillerWords.size())));
        }
    }
}

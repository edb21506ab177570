package lab.experiments.sae;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import lab.sae.HookActivations;
import lab.sae.RandomState;

/**
 * The activation rows an SAE trains on, as a stream of chunks: each epoch visits the texts in an
 * order drawn from a seeded Random, {@link SaeTraining#TEXTS_PER_FORWARD} texts per model forward.
 * Its {@link State} is where it stands between two chunks, so a resumed run reads on from there.
 */
public final class TextStream implements Supplier<float[][]> {

    /**
     * @param epoch the epoch in progress (-1: none started)
     * @param order the epoch's order, as indices into the texts
     * @param next the next index into {@code order}
     * @param random the order Random's state ({@link RandomState})
     * @param modelTokens tokens the model has run so far
     */
    public record State(int epoch, int[] order, int next, byte[] random, long modelTokens) {
    }

    private final HookActivations acts;
    private final List<long[]> texts;
    private final int epochs;
    private final boolean excludeBos;
    private final Random random;
    private int epoch;
    private int[] order;
    private int next;
    private long modelTokens;

    TextStream(HookActivations acts, List<long[]> texts, int epochs, boolean excludeBos, long seed) {
        this(acts, texts, epochs, excludeBos, new State(-1, new int[0], 0, RandomState.save(new Random(seed)), 0));
    }

    TextStream(HookActivations acts, List<long[]> texts, int epochs, boolean excludeBos, State state) {
        for (int i : state.order()) {
            if (i < 0 || i >= texts.size()) {
                throw new IllegalArgumentException("a saved text order names text " + i + " but there are " + texts.size());
            }
        }
        this.acts = acts;
        this.texts = texts;
        this.epochs = epochs;
        this.excludeBos = excludeBos;
        this.random = RandomState.load(state.random());
        this.epoch = state.epoch();
        this.order = state.order().clone();
        this.next = state.next();
        this.modelTokens = state.modelTokens();
    }

    @Override
    public float[][] get() {
        while (next >= order.length) {
            if (++epoch >= epochs) {
                return null;
            }
            // the permutation a shuffle of the texts themselves would make: it depends on the size and the Random alone
            List<Integer> list = new ArrayList<>(IntStream.range(0, texts.size()).boxed().toList());
            Collections.shuffle(list, random);
            order = list.stream().mapToInt(Integer::intValue).toArray();
            next = 0;
        }
        List<long[]> group = new ArrayList<>();
        for (int end = Math.min(order.length, next + SaeTraining.TEXTS_PER_FORWARD); next < end; next++) {
            long[] text = texts.get(order[next]);
            group.add(text);
            modelTokens += text.length;
        }
        // with exclude_bos, the BOS wherever it occurs: a training-stream row packs documents, each opened by it
        return acts.of(group, excludeBos, excludeBos ? acts.bosTokenId() : -1);
    }

    long modelTokens() {
        return modelTokens;
    }

    State state() {
        return new State(epoch, order.clone(), next, RandomState.save(random), modelTokens);
    }
}

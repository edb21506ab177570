package lab.training;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The training data: batch {@code step} is a pure function of (seed, step), so a resumed run sees
 * exactly the batches an uninterrupted one would. A row is {@code context + 1} tokens of packed
 * documents (induction sequences, IOI sentences with their answer, facts with theirs), each
 * opened by {@code <|endoftext|>}. Of the documents of the IOI share, 15% are single-name copying
 * ({@link NameCopyTask}, every name an answer, held-out ones included: without it held-out names
 * were never an answer at "to" and the model fell back on a training name when a held-out name in
 * a held-out template gave it a weaker signal); of the rest, 10% are training templates with
 * training names, 40% the same templates with any other word in the name slots, 50%
 * template-free sentences of random filler ({@link IoiFillerTask}): the circuit must copy
 * whichever token was mentioned once, not recall a memorised name in a memorised position. Held-out names never occur
 * in IOI sentences, nor does any held-out template (its words may, as random filler); some rows start mid-document, without it, so that prompts work
 * with and without a BOS.
 */
public final class TrainingStream {

    private final TrainConfig.Curriculum curriculum;
    private final long seed;
    private final int rowLength;
    private final InductionTask induction;
    private final IoiTask ioi;
    private final IoiTask ioiAnyWords;
    private final IoiFillerTask ioiFiller;
    private final NameCopyTask nameCopy;
    private final FactsTask facts;
    private final Vocabulary vocab;

    public TrainingStream(ToyWorld world, TrainConfig config) {
        this.curriculum = config.curriculum();
        this.seed = config.seed();
        this.rowLength = config.model().context() + 1;
        this.vocab = world.vocabulary();
        this.induction = new InductionTask(vocab.plainWordIds(), curriculum.minPeriod(), curriculum.maxPeriod(),
                curriculum.maxOffset());
        this.ioi = new IoiTask(world.trainNames(), world.trainTemplates(), world.places(), world.objects());
        this.ioiAnyWords = new IoiTask(world.ioiSlotWords(), world.trainTemplates(), world.places(), world.objects());
        this.ioiFiller = new IoiFillerTask(world.ioiSlotWords(), world.ioiFillerWords());
        this.nameCopy = new NameCopyTask(WordLists.NAMES, world.ioiFillerWords());
        this.facts = new FactsTask(world);
    }

    /** Rows [batch][context + 1]: inputs are [:, :-1], next-token targets [:, 1:]. */
    public long[][] batch(long step, int batchSize) {
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step);
        long[][] rows = new long[batchSize][];
        for (int r = 0; r < batchSize; r++) {
            rows[r] = row(rng);
        }
        return rows;
    }

    private long[] row(SplittableRandom rng) {
        List<Integer> tokens = new ArrayList<>(rowLength + 64);
        boolean first = true;
        while (tokens.size() < rowLength) {
            if (!first || rng.nextDouble() >= curriculum.noBosFraction()) {
                tokens.add(Vocabulary.BOS_ID);
            }
            first = false;
            for (int t : document(rng, rowLength - tokens.size())) {
                tokens.add(t);
            }
        }
        long[] row = new long[rowLength];
        for (int i = 0; i < rowLength; i++) {
            row[i] = tokens.get(i);
        }
        return row;
    }

    private int[] document(SplittableRandom rng, int room) {
        double total = curriculum.induction() + curriculum.ioi() + curriculum.facts();
        double u = rng.nextDouble() * total;
        if (u < curriculum.induction() && room >= 2 * curriculum.minPeriod()) {
            return induction.sample(rng, room).tokens();
        }
        if (u < curriculum.induction() + curriculum.ioi()) {
            double kind = rng.nextDouble();
            if (kind >= 0.85) {
                String[] copy = nameCopy.sample(rng);
                return vocab.encode(copy[0] + " " + copy[1]);
            }
            kind /= 0.85;
            IoiTask.Prompt p = kind < 0.1 ? ioi.sample(rng) : kind < 0.5 ? ioiAnyWords.sample(rng) : ioiFiller.sample(rng);
            return vocab.encode(p.prompt() + " " + p.answer());
        }
        FactsTask.Fact f = facts.sample(rng);
        return vocab.encode(f.prompt() + " " + f.answer());
    }
}

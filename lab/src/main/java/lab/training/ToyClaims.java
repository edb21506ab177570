package lab.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import lab.runtime.ForwardResult;
import lab.runtime.HookedTransformer;
import lab.runtime.RunOptions;

/**
 * Measures the toy model's claims on freshly drawn data:
 * <ul>
 *   <li>induction: per head, the mean attention from each position of the second repeat to the
 *       token after that token's first occurrence, on repeated random sequences of varied period
 *       and offset; and the mean loss on the second repeat's tokens (all but its first, which no
 *       earlier context predicts);</li>
 *   <li>IOI: top-1 accuracy (argmax over the whole vocabulary) on prompts built only from held-out
 *       names and held-out templates;</li>
 *   <li>facts: top-1 recall over every fact in every phrasing.</li>
 * </ul>
 * Prompts are run with {@code <|endoftext|>} first, as in training; the no-BOS figures are
 * reported alongside. Text goes through the model's tokenizer when it has one.
 */
public final class ToyClaims {

    public static final double MIN_INDUCTION_SCORE = 0.5;
    public static final double MAX_SECOND_REPEAT_LOSS = 1.0;
    public static final double MIN_IOI_ACCURACY = 0.95;
    public static final double MIN_FACTS_RECALL = 0.95;

    /**
     * @param headScores [layer][head] induction score
     * @param bestLayer layer (>= 1) of the best-scoring head
     * @param bestHead that head
     * @param bestScore its score
     * @param secondRepeatLoss mean next-token loss on the second repeat, nats
     */
    public record Induction(int sequences, double[][] headScores, int bestLayer, int bestHead, double bestScore,
                            double secondRepeatLoss) {
    }

    /** Top-1 accuracy and mean loss of the answer token. */
    public record Accuracy(int n, double accuracy, double answerLoss) {
    }

    /** Everything measured; {@link #holds()} checks the thresholds the model card states. */
    public record Report(Induction induction, Accuracy ioiHeldOut, Accuracy ioiTrainDistribution, Accuracy facts,
                         Accuracy ioiHeldOutNoBos, Accuracy factsNoBos, Accuracy ioiHeldOutNamesOnly,
                         Accuracy ioiHeldOutTemplatesOnly) {
        public boolean holds() {
            return induction.bestScore() >= MIN_INDUCTION_SCORE && induction.secondRepeatLoss() <= MAX_SECOND_REPEAT_LOSS
                    && ioiHeldOut.accuracy() >= MIN_IOI_ACCURACY && facts.accuracy() >= MIN_FACTS_RECALL;
        }
    }

    private final HookedTransformer model;
    private final ToyWorld world;

    public ToyClaims(HookedTransformer model, ToyWorld world) {
        this.model = model;
        this.world = world;
    }

    public Report measure(TrainConfig config) {
        TrainConfig.Curriculum c = config.curriculum();
        int n = config.evaluation().ioiPrompts();
        long seed = config.seed() ^ 0x5DEECE66DL;
        IoiTask heldOut = new IoiTask(world.heldOutNames(), world.heldOutTemplates(), world.places(), world.objects());
        IoiTask seen = new IoiTask(world.trainNames(), world.trainTemplates(), world.places(), world.objects());
        List<IoiTask.Prompt> ioi = ioiPrompts(heldOut, n, seed);
        List<IoiTask.Prompt> seenIoi = ioiPrompts(seen, n, seed + 1);
        List<IoiTask.Prompt> namesOnly = ioiPrompts(new IoiTask(world.heldOutNames(), world.trainTemplates(), world.places(),
                world.objects()), n, seed + 2);
        List<IoiTask.Prompt> templatesOnly = ioiPrompts(new IoiTask(world.trainNames(), world.heldOutTemplates(),
                world.places(), world.objects()), n, seed + 3);
        List<FactsTask.Fact> facts = new FactsTask(world).all();
        return new Report(
                induction(config.evaluation().inductionSequences(), Math.max(4, c.minPeriod()), c.maxPeriod(), c.maxOffset(), seed),
                accuracy(ioi.stream().map(IoiTask.Prompt::prompt).toList(), ioi.stream().map(IoiTask.Prompt::answer).toList(), true),
                ioi(seenIoi, true),
                accuracy(facts.stream().map(FactsTask.Fact::prompt).toList(), facts.stream().map(FactsTask.Fact::answer).toList(), true),
                accuracy(ioi.stream().map(IoiTask.Prompt::prompt).toList(), ioi.stream().map(IoiTask.Prompt::answer).toList(), false),
                accuracy(facts.stream().map(FactsTask.Fact::prompt).toList(), facts.stream().map(FactsTask.Fact::answer).toList(), false),
                ioi(namesOnly, true), ioi(templatesOnly, true));
    }

    private Accuracy ioi(List<IoiTask.Prompt> prompts, boolean bos) {
        return accuracy(prompts.stream().map(IoiTask.Prompt::prompt).toList(),
                prompts.stream().map(IoiTask.Prompt::answer).toList(), bos);
    }

    private static List<IoiTask.Prompt> ioiPrompts(IoiTask task, int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<IoiTask.Prompt> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(task.sample(rng));
        }
        return out;
    }

    /** Induction scores and second-repeat loss on {@code count} fresh sequences, BOS first. */
    public Induction induction(int count, int minPeriod, int maxPeriod, int maxOffset, long seed) {
        int layers = model.config().nLayers();
        int heads = model.config().nHeads();
        int room = model.config().contextLength() - 1;
        InductionTask task = new InductionTask(world.vocabulary().plainWordIds(), minPeriod, maxPeriod, maxOffset);
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] sums = new double[layers][heads];
        long queries = 0;
        double lossSum = 0;
        long lossCount = 0;
        Pattern patterns = Pattern.compile("blocks\\.\\d+\\.attn\\.hook_pattern");
        try (NDManager m = NDManager.newBaseManager(model.device())) {
            for (int s = 0; s < count; s++) {
                InductionTask.Sequence seq = task.sample(rng, room);
                long[] ids = withBos(seq.tokens());
                int length = ids.length;
                int p = seq.period();
                int second = 1 + seq.secondStart();
                try (ForwardResult r = model.run(m, model.tokens(m, ids), RunOptions.defaults().caching(patterns))) {
                    for (int l = 0; l < layers; l++) {
                        float[] pattern = r.cache().get("blocks." + l + ".attn.hook_pattern").toFloatArray();
                        for (int h = 0; h < heads; h++) {
                            for (int t = second; t < length; t++) {
                                sums[l][h] += pattern[(h * length + t) * length + (t - p + 1)];
                            }
                        }
                    }
                    queries += length - second;
                    float[] lp = r.output().logSoftmax(-1).toFloatArray();
                    int v = model.config().vocabSize();
                    for (int t = second; t < length - 1; t++) {
                        lossSum -= lp[t * v + (int) ids[t + 1]];
                        lossCount++;
                    }
                }
            }
        }
        int bestLayer = -1;
        int bestHead = -1;
        double best = Double.NEGATIVE_INFINITY;
        for (int l = 0; l < layers; l++) {
            for (int h = 0; h < heads; h++) {
                sums[l][h] /= queries;
                if (l >= 1 && sums[l][h] > best) {
                    best = sums[l][h];
                    bestLayer = l;
                    bestHead = h;
                }
            }
        }
        return new Induction(count, sums, bestLayer, bestHead, layers > 1 ? best : Double.NaN, lossSum / lossCount);
    }

    /** Top-1 accuracy of the last position's argmax against {@code answers}, prompts batched by length. */
    public Accuracy accuracy(List<String> prompts, List<String> answers, boolean bos) {
        Map<Integer, List<Integer>> byLength = new LinkedHashMap<>();
        List<long[]> encoded = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            long[] ids = encode(prompts.get(i));
            encoded.add(bos ? withBos(ids) : ids);
            byLength.computeIfAbsent(encoded.get(i).length, k -> new ArrayList<>()).add(i);
        }
        int correct = 0;
        double loss = 0;
        int v = model.config().vocabSize();
        try (NDManager m = NDManager.newBaseManager(model.device())) {
            for (List<Integer> group : byLength.values()) {
                for (int from = 0; from < group.size(); from += 64) {
                    List<Integer> chunk = group.subList(from, Math.min(group.size(), from + 64));
                    long[][] rows = chunk.stream().map(encoded::get).toArray(long[][]::new);
                    try (ForwardResult r = model.run(m, model.tokens(m, rows), RunOptions.defaults().unembedOnly(-1))) {
                        NDArray lp = r.output().logSoftmax(-1);
                        float[] all = lp.toFloatArray();
                        for (int k = 0; k < chunk.size(); k++) {
                            int answer = (int) encode(answers.get(chunk.get(k)))[0];
                            int arg = 0;
                            for (int j = 1; j < v; j++) {
                                if (all[k * v + j] > all[k * v + arg]) {
                                    arg = j;
                                }
                            }
                            correct += arg == answer ? 1 : 0;
                            loss -= all[k * v + answer];
                        }
                    }
                }
            }
        }
        return new Accuracy(prompts.size(), (double) correct / prompts.size(), loss / prompts.size());
    }

    private long[] encode(String text) {
        if (model.optionalTokenizer().isPresent()) {
            return model.tokenizer().encode(text);
        }
        return java.util.Arrays.stream(world.vocabulary().encode(text)).asLongStream().toArray();
    }

    private static long[] withBos(int[] tokens) {
        long[] ids = new long[tokens.length + 1];
        ids[0] = Vocabulary.BOS_ID;
        for (int i = 0; i < tokens.length; i++) {
            ids[i + 1] = tokens[i];
        }
        return ids;
    }

    private static long[] withBos(long[] tokens) {
        long[] ids = new long[tokens.length + 1];
        ids[0] = Vocabulary.BOS_ID;
        System.arraycopy(tokens, 0, ids, 1, tokens.length);
        return ids;
    }
}

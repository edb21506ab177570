package lab.experiments.patching;

import lab.experiments.AnswerScorer;
import lab.experiments.PreparedExample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import lab.experiments.metrics.AnswerReading;
import lab.runtime.ForwardResult;
import lab.runtime.HookedTransformer;
import lab.runtime.RunOptions;

/**
 * An example's clean and corrupt forward passes, each run once: what they read (the last
 * position's logits, or with {@link #scored} an {@link AnswerReading} of answers of any length) and
 * the activations an experiment will patch or start from, cached at the hook points it names. The
 * arrays live in the caller's manager; closing this frees them.
 */
public final class CleanCorruptRuns implements AutoCloseable {

    /** One of the two runs of an example. */
    public enum Run { CLEAN, CORRUPT }

    private final Map<Run, ForwardResult> results;
    /** Each run's rows and answer positions; null where the runs are the bare prompts ({@link #of}). */
    private final Map<Run, AnswerScorer> scorers;
    private final int promptLength;

    private CleanCorruptRuns(Map<Run, ForwardResult> results, Map<Run, AnswerScorer> scorers, int promptLength) {
        this.results = results;
        this.scorers = scorers;
        this.promptLength = promptLength;
    }

    /** Runs both prompts of {@code example}, caching the hook points in {@code cached}; reads the last position. */
    public static CleanCorruptRuns of(HookedTransformer model, NDManager manager, PreparedExample example,
                                      Collection<String> cached) {
        RunOptions options = RunOptions.defaults().caching(cached.toArray(String[]::new)).unembedOnly(-1);
        Map<Run, ForwardResult> results = new EnumMap<>(Run.class);
        try {
            results.put(Run.CLEAN, model.run(manager, model.tokens(manager, example.clean()), options));
            results.put(Run.CORRUPT, model.run(manager, model.tokens(manager, example.corrupt()), options));
        } catch (RuntimeException e) {
            results.values().forEach(ForwardResult::close);
            throw e;
        }
        return new CleanCorruptRuns(results, null, example.clean().length);
    }

    /**
     * Runs both prompts as their {@link AnswerScorer}s' rows (the bare prompt for one-token answers;
     * prompt + target and prompt + foil for answer spans), caching the hook points in {@code cached}
     * and reading the answer positions. The two prompts have the same length, so the runs' rows line
     * up position for position: row r of one run holds the same answer as row r of the other.
     */
    public static CleanCorruptRuns scored(HookedTransformer model, NDManager manager, PreparedExample example,
                                          Collection<String> cached) {
        Map<Run, AnswerScorer> scorers = new EnumMap<>(Run.class);
        scorers.put(Run.CLEAN, AnswerScorer.forClean(example));
        scorers.put(Run.CORRUPT, AnswerScorer.forCorrupt(example));
        Map<Run, ForwardResult> results = new EnumMap<>(Run.class);
        try {
            for (Run run : Run.values()) {
                AnswerScorer scorer = scorers.get(run);
                results.put(run, model.run(manager, scorer.tokens(model, manager),
                        scorer.readingAnswers(RunOptions.defaults().caching(cached.toArray(String[]::new)))));
            }
        } catch (RuntimeException e) {
            results.values().forEach(ForwardResult::close);
            throw e;
        }
        return new CleanCorruptRuns(results, scorers, example.clean().length);
    }

    /** The run's logits at the last position [vocab]; for runs of one row each (not answer spans). */
    public float[] lastLogits(Run run) {
        if (rowsPerRun() != 1) {
            throw new IllegalStateException("these runs score answer spans (" + rowsPerRun() + " rows each); read them"
                    + " with reading(run)");
        }
        return results.get(run).output().toFloatArray();
    }

    /** The run's answers as read by its scorer; for runs made by {@link #scored}. */
    public AnswerReading reading(Run run) {
        return scorer(run).read(results.get(run).output()).get(0);
    }

    /** The scorer the run was made with; for runs made by {@link #scored}. */
    public AnswerScorer scorer(Run run) {
        if (scorers == null) {
            throw new IllegalStateException("these runs read the last position only; make them with"
                    + " CleanCorruptRuns.scored to read answers");
        }
        return scorers.get(run);
    }

    /** Batch rows of each run: 1, or 2 when {@link #scored} runs answer spans. */
    public int rowsPerRun() {
        return scorers == null ? 1 : scorers.get(Run.CLEAN).rowsPerRun();
    }

    /** Tokens in each prompt (both have the same); the positions from here on are answer tokens, if any. */
    public int promptLength() {
        return promptLength;
    }

    /** The run's activation at a cached hook point, batch {@link #rowsPerRun()}. */
    public NDArray activation(Run run, String hook) {
        return results.get(run).cache().get(hook);
    }

    /** The run's activation at a cached hook point repeated for {@code runs} runs, run after run. */
    public NDArray repeated(Run run, String hook, int runs) {
        NDArray one = activation(run, hook);
        return scorers == null ? one.repeat(0, runs) : scorers.get(run).repeatRuns(one, runs);
    }

    @Override
    public void close() {
        results.values().forEach(ForwardResult::close);
    }
}

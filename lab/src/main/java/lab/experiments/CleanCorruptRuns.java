package lab.experiments;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import lab.runtime.ForwardResult;
import lab.runtime.HookedTransformer;
import lab.runtime.RunOptions;

/**
 * An example's clean and corrupt forward passes, each run once: their last-position logits and the
 * activations an experiment will patch or start from, cached at the hook points it names. The
 * arrays live in the caller's manager; closing this frees them.
 */
public final class CleanCorruptRuns implements AutoCloseable {

    /** One of the two runs of an example. */
    public enum Run { CLEAN, CORRUPT }

    private final Map<Run, ForwardResult> results;

    private CleanCorruptRuns(Map<Run, ForwardResult> results) {
        this.results = results;
    }

    /** Runs both prompts of {@code example}, caching the hook points in {@code cached}. */
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
        return new CleanCorruptRuns(results);
    }

    /** The run's logits at the last position [vocab]. */
    public float[] lastLogits(Run run) {
        return results.get(run).output().toFloatArray();
    }

    /** The run's activation at a cached hook point, batch 1. */
    public NDArray activation(Run run, String hook) {
        return results.get(run).cache().get(hook);
    }

    @Override
    public void close() {
        results.values().forEach(ForwardResult::close);
    }
}

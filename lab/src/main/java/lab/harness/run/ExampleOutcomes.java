package lab.harness.run;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.experiments.PreparedExample;
import lab.experiments.ResultSink;
import lab.experiments.metrics.AnswerReading;

/**
 * What an experiment reported for each example, kept within a run so that an example drawn by
 * several seeds is computed once: an experiment is not given the seed and the model is
 * deterministic, so a second computation could only repeat the first. An example's outcomes are
 * kept only while a later seed still draws it, so memory holds at most the examples still to come.
 */
final class ExampleOutcomes {

    /** One {@link ResultSink#accept} call. */
    record Reported(Map<String, Object> condition, Map<String, Double> metrics, Map<String, Double> baselines) {
    }

    /** Computes an example, reporting each condition to the sink as it finishes. */
    @FunctionalInterface
    interface Computation {
        void run(PreparedExample example, ResultSink sink);
    }

    // by identity: the draws hand out the run's own PreparedExample objects, and two corpus lines
    // that happen to share an id must not share outcomes
    private final Map<PreparedExample, Integer> usesLeft = new IdentityHashMap<>();
    private final Map<PreparedExample, List<Reported>> kept = new IdentityHashMap<>();

    /** @param draws the examples of each seed still to run, in run order */
    ExampleOutcomes(List<List<PreparedExample>> draws) {
        draws.forEach(draw -> draw.forEach(ex -> usesLeft.merge(ex, 1, Integer::sum)));
    }

    /**
     * Reports the example's outcomes to {@code sink}: replayed when an earlier seed computed them,
     * else computed now (each condition passed on as soon as it is reported).
     */
    void report(PreparedExample example, Computation computation, ResultSink sink) {
        int left = usesLeft.merge(example, -1, Integer::sum);
        List<Reported> outcomes = kept.get(example);
        if (outcomes == null) {
            List<Reported> recorded = new ArrayList<>();
            // readings pass through to the sink but are not kept: a replay reports rows only
            computation.run(example, new ResultSink() {
                @Override
                public void accept(Map<String, Object> condition, Map<String, Double> metrics, Map<String, Double> baselines) {
                    keep(condition, metrics, baselines);
                    sink.accept(condition, metrics, baselines);
                }

                @Override
                public void accept(Map<String, Object> condition, Map<String, Double> metrics, Map<String, Double> baselines,
                                   AnswerReading reading) {
                    keep(condition, metrics, baselines);
                    sink.accept(condition, metrics, baselines, reading);
                }

                private void keep(Map<String, Object> condition, Map<String, Double> metrics, Map<String, Double> baselines) {
                    if (left > 0) {
                        recorded.add(new Reported(copy(condition), copy(metrics), copy(baselines)));
                    }
                }
            });
            outcomes = recorded;
            if (left > 0) {
                kept.put(example, outcomes);
            }
        } else {
            outcomes.forEach(r -> sink.accept(r.condition(), r.metrics(), r.baselines()));
        }
        if (left <= 0) {
            kept.remove(example);
        }
    }

    /** An unmodifiable copy in the same order, nulls allowed (a condition column may be unset). */
    private static <V> Map<String, V> copy(Map<String, V> map) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    /** Examples whose outcomes are held now. */
    int held() {
        return kept.size();
    }
}

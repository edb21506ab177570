package lab.experiments;

import java.util.Map;
import lab.experiments.metrics.AnswerReading;

/** Where an experiment reports each condition's outcome on an example; the harness decides where it goes. */
@FunctionalInterface
public interface ResultSink {

    /**
     * @param condition condition column to value, in {@link Experiment#conditionColumns()} order
     * @param metrics metric name to value for this condition
     * @param baselines clean-run values the metrics are read against (e.g. clean_logit_diff)
     */
    void accept(Map<String, Object> condition, Map<String, Double> metrics, Map<String, Double> baselines);

    /**
     * As {@link #accept(Map, Map, Map)}, with the intervened run's {@link AnswerReading} (its
     * answer distribution), for experiments that {@link Experiment#reportsAnswerReadings report
     * them}: the harness calibrates each condition from these. Dropped by default.
     */
    default void accept(Map<String, Object> condition, Map<String, Double> metrics, Map<String, Double> baselines,
                        AnswerReading reading) {
        accept(condition, metrics, baselines);
    }
}

package lab.experiments;

import java.util.Map;

/** Where an experiment reports each condition's outcome on an example; the harness decides where it goes. */
@FunctionalInterface
public interface ResultSink {

    /**
     * @param condition condition column to value, in {@link Experiment#conditionColumns()} order
     * @param metrics metric name to value for this condition
     * @param baselines clean-run values the metrics are read against (e.g. clean_logit_diff)
     */
    void accept(Map<String, Object> condition, Map<String, Double> metrics, Map<String, Double> baselines);
}

package lab.experiments;

import java.util.List;
import java.util.Map;

/**
 * What an experiment may read of a finished run: where it is, its {@code experiment.type}, and
 * its summary (the across-seed mean of each metric per condition; NaN where the summary has none).
 */
public record FinishedRun(String directory, String experimentType, List<ConditionMean> means) {

    /** One summary row: a condition (column to value), a metric, its mean. */
    public record ConditionMean(Map<String, Object> condition, String metric, double mean) {

        public ConditionMean {
            condition = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(condition));
        }
    }

    public FinishedRun {
        means = List.copyOf(means);
    }
}

package lab.harness.run;

import java.util.List;
import lab.experiments.ConditionColumn;
import lab.experiments.Experiment;
import lab.harness.results.ColumnType;
import lab.harness.results.ResultsSchema;

/** The results table of an experiment: identity columns, its condition columns, the metrics, its baselines. */
public final class ResultsSchemas {

    private ResultsSchemas() {
    }

    public static ResultsSchema forExperiment(Experiment experiment, List<String> metrics) {
        ResultsSchema.Builder b = ResultsSchema.builder();
        for (ConditionColumn c : experiment.conditionColumns()) {
            b.condition(c.name(), switch (c.kind()) {
                case INT -> ColumnType.INT32;
                case DOUBLE -> ColumnType.DOUBLE;
                case STRING -> ColumnType.STRING;
            });
        }
        reportedMetrics(experiment, metrics).forEach(b::metric);
        experiment.baselines().forEach(b::baseline);
        return b.build();
    }

    /** The config's metrics followed by those the experiment always reports. */
    static List<String> reportedMetrics(Experiment experiment, List<String> metrics) {
        List<String> all = new java.util.ArrayList<>(metrics);
        experiment.extraMetrics().stream().filter(m -> !all.contains(m)).forEach(all::add);
        return all;
    }
}

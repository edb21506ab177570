package lab.harness.run;

import java.util.List;
import lab.experiments.ConditionColumn;
import lab.experiments.Experiment;
import lab.experiments.metrics.AnswerMetrics;
import lab.harness.results.ColumnType;
import lab.harness.results.ResultsSchema;

/** The results table of an experiment: identity columns, its condition columns, the metrics (the config's, then the experiment's own), the clean baseline. */
final class ResultsSchemas {

    private ResultsSchemas() {
    }

    static ResultsSchema forExperiment(Experiment experiment, List<String> metrics) {
        ResultsSchema.Builder b = ResultsSchema.builder();
        for (ConditionColumn c : experiment.conditionColumns()) {
            b.condition(c.name(), switch (c.kind()) {
                case INT -> ColumnType.INT32;
                case DOUBLE -> ColumnType.DOUBLE;
                case STRING -> ColumnType.STRING;
            });
        }
        metrics.forEach(b::metric);
        experiment.derivedMetrics().forEach(b::metric);
        b.baseline(AnswerMetrics.CLEAN_LOGIT_DIFF);
        return b.build();
    }
}

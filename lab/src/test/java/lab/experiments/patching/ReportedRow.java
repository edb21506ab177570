package lab.experiments.patching;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lab.experiments.Experiment;
import lab.experiments.PreparedExample;
import lab.runtime.HookedTransformer;

/** One report an experiment made for one example, as its ResultSink received it: condition, metric values, baselines. */
record ReportedRow(Map<String, Object> condition, Map<String, Double> values, Map<String, Double> baselines) {

    /** Every report of {@code experiment} on {@code example}, in order. */
    static List<ReportedRow> of(Experiment experiment, HookedTransformer model, PreparedExample example, List<String> metrics) {
        List<ReportedRow> rows = new ArrayList<>();
        experiment.run(model, example, metrics, (c, v, b) -> rows.add(new ReportedRow(c, v, b)));
        return rows;
    }
}

package lab.experiments;

import java.util.List;
import java.util.Map;
import lab.experiments.metrics.AnswerMetrics;
import lab.runtime.HookedTransformer;
import lab.runtime.ModelConfig;
import lab.runtime.ModelTokenizer;

/**
 * One kind of intervention sweep. An experiment knows the model and the example; where its
 * numbers go (tables, tracking, charts) is the harness's business.
 */
public interface Experiment {

    /** The config's {@code experiment.type}. */
    String type();

    /** Columns that identify a condition, in the order results carry them. */
    List<ConditionColumn> conditionColumns();

    /** Which condition columns form 2-D maps worth drawing. */
    List<MapAxes> maps();

    /** Fails with a clear message if the parameters do not fit this model (e.g. a head that does not exist). */
    void check(ModelConfig model);

    /**
     * Metrics this experiment reports on every row besides the config's {@code metrics} (e.g.
     * activation patching's patch_score); they are summarised and drawn like the others.
     */
    default List<String> extraMetrics() {
        return List.of();
    }

    /** The baselines each row carries beside its metrics, the values a reader compares them with. */
    default List<String> baselines() {
        return List.of(AnswerMetrics.CLEAN_LOGIT_DIFF);
    }

    /**
     * Fails with a clear message if the parameters do not fit the run's examples (e.g. a position
     * no prompt reaches); called once, before any example runs.
     */
    default void check(List<PreparedExample> examples) {
    }

    /**
     * Labels for the values of condition columns where a map axis shows them (e.g. a position's
     * token), by column and value; a value without a label is shown as itself.
     */
    default Map<String, Map<Object, String>> axisLabels(ModelTokenizer tokenizer, List<PreparedExample> examples) {
        return Map.of();
    }

    /** Runs every condition on one example and reports each to {@code sink}. */
    void run(HookedTransformer model, PreparedExample example, List<String> metrics, ResultSink sink);
}

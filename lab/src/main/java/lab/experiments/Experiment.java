package lab.experiments;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import lab.experiments.metrics.AnswerMetrics;
import lab.runtime.HookedTransformer;
import lab.runtime.ModelConfig;

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

    /**
     * Whether {@link #run} reads answers of several tokens ({@code "span": "full"}) through
     * {@link AnswerScorer}; an experiment that reads one-token answers only keeps the default.
     */
    default boolean scoresAnswerSpans() {
        return false;
    }

    /**
     * Condition columns to map against the examples themselves (rows: the column's values, columns:
     * example ids; {@code columns} of each MapAxes is ignored), e.g. feature x example. Most
     * experiments map only conditions ({@link #maps()}).
     */
    default List<MapAxes> exampleMaps() {
        return List.of();
    }

    /**
     * Whether {@link #run} passes each condition's intervened {@link lab.experiments.metrics.AnswerReading}
     * to the sink ({@link ResultSink#accept(java.util.Map, java.util.Map, java.util.Map,
     * lab.experiments.metrics.AnswerReading)}), so the harness can calibrate every condition; an
     * experiment whose rows are not read from an intervened run's answers keeps the default.
     */
    default boolean reportsAnswerReadings() {
        return false;
    }

    /**
     * Whether a condition's intervened run is one that should answer the example's target, so its
     * calibration says how well calibrated the model is; false where the intervened run is another
     * prompt by design (activation patching into the corrupt prompt: confidently wrong on purpose).
     */
    default boolean answersTheTarget(Map<String, Object> condition) {
        return true;
    }

    /** Fails with a clear message if the parameters do not fit this model (e.g. a head that does not exist). */
    void check(ModelConfig model);

    /** The metrics this experiment reports; a run config may name only these. */
    default List<String> supportedMetrics() {
        return lab.experiments.metrics.AnswerMetrics.ALL;
    }

    /** Fails with a clear message if a run asks for a metric this experiment does not report. */
    default void checkMetrics(List<String> metrics) {
        for (String metric : metrics) {
            if (!supportedMetrics().contains(metric)) {
                throw new IllegalArgumentException("metric '" + metric + "' is not one that experiment.type " + type()
                        + " reports; use metrics from " + supportedMetrics());
            }
        }
    }

    /**
     * Called once per run, after {@link #check} and before the first example: the place for work
     * that every example shares (e.g. mean activations over a reference set) and for parameters that
     * name other inputs (a reference set, a finished run), which {@code inputs} supplies. Fails with a
     * clear message if those inputs do not fit. Nothing by default.
     */
    default void prepare(HookedTransformer model, RunInputs inputs) {
    }

    /**
     * Files or folders the experiment reads itself, named by its parameters (an SAE's folder), besides
     * the model, the corpus and what {@link RunInputs} supplies: the harness records their SHA-256
     * (every file of a folder) with the run, and will not resume a run once one of them changed.
     */
    default List<Path> inputFiles() {
        return List.of();
    }

    /**
     * Metrics this experiment reports on every row besides the config's {@code metrics} (e.g.
     * activation patching's patch_score); they are summarised and drawn like the others.
     */
    default List<String> extraMetrics() {
        return List.of();
    }

    /**
     * The metric that measures a condition's effect, for ranking conditions in the report: by
     * default the config's first metric (logit_diff: its change from clean); activation patching's
     * patch_score, since there the change from clean means nothing for one direction.
     */
    default String effectMetric(List<String> metrics) {
        return metrics.get(0);
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
     * Runs every condition on one example and reports each to {@code sink}. Deterministic: the same
     * model and example give the same reports (the harness computes an example drawn by several seeds once).
     */
    void run(HookedTransformer model, PreparedExample example, List<String> metrics, ResultSink sink);
}

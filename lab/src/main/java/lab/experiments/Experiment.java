package lab.experiments;

import java.util.List;
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
     * Condition columns to map against the examples themselves (rows: the column's values, columns:
     * example ids; {@code columns} of each MapAxes is ignored), e.g. feature x example. Most
     * experiments map only conditions ({@link #maps()}).
     */
    default List<MapAxes> exampleMaps() {
        return List.of();
    }

    /** Fails with a clear message if the parameters do not fit this model (e.g. a head that does not exist). */
    void check(ModelConfig model);

    /**
     * Called once with every prepared example before the first {@link #run}, for experiments that
     * choose their conditions from the data (e.g. the most active SAE features); fails with a
     * clear message if the model does not fit. Most experiments need nothing here.
     */
    default void prepare(HookedTransformer model, List<PreparedExample> examples) {
    }

    /** Runs every condition on one example and reports each to {@code sink}. */
    void run(HookedTransformer model, PreparedExample example, List<String> metrics, ResultSink sink);
}

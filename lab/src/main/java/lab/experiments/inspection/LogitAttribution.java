package lab.experiments.inspection;

import lab.experiments.ConditionColumn;
import lab.experiments.Experiment;
import lab.experiments.HostArrays;
import lab.experiments.MapAxes;
import lab.experiments.PreparedExample;
import lab.experiments.ResultSink;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.experiments.metrics.AnswerMetrics;
import lab.runtime.ForwardResult;
import lab.runtime.HookedTransformer;
import lab.runtime.ModelConfig;
import lab.runtime.RunOptions;

/**
 * Direct logit attribution at the scored (last) position: each part of the final residual
 * ({@link ResidualParts}) through the final norm with its scale frozen from the clean run
 * ({@link FrozenFinalNorm}) onto W_U[target] - W_U[foil]. One clean forward per example.
 *
 * <p>Condition columns {@code component} (head, mlp, embed, pos_embed, bias), {@code layer} and
 * {@code head} (-1 where not a head or not in a block). {@code mlp} includes the MLP's output
 * bias; {@code bias} is everything no head or MLP writes: the attention output biases b_O of every
 * layer (through the frozen norm), the final norm's bias and the unembedding bias (along the
 * direction). The rows of one example sum to the model's logit difference. Metric: logit_diff.
 */
public final class LogitAttribution implements Experiment {

    public static final String TYPE = "logit_attribution";

    public static LogitAttribution fromParams(JsonNode params) {
        return new LogitAttribution();
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<ConditionColumn> conditionColumns() {
        return List.of(ConditionColumn.text("component"), ConditionColumn.integer("layer"), ConditionColumn.integer("head"));
    }

    @Override
    public List<MapAxes> maps() {
        // a part's logit_diff is its share of the clean value, so "change from clean" means nothing
        return List.of(new MapAxes("layer", "head", List.of()).onlyWhere("component", ResidualParts.HEAD).withoutChangeMaps());
    }

    @Override
    public List<String> supportedMetrics() {
        return List.of(AnswerMetrics.LOGIT_DIFF);
    }

    @Override
    public void check(ModelConfig model) {
        // every supported family's residual decomposes into these parts
    }

    @Override
    public void run(HookedTransformer model, PreparedExample example, List<String> metrics, ResultSink sink) {
        ModelConfig c = model.config();
        int last = example.clean().length - 1;
        try (NDManager m = NDManager.newBaseManager(model.device())) {
            ForwardResult clean = model.run(m, model.tokens(m, example.clean()),
                    RunOptions.defaults().caching(ResidualParts.cachedHooks(c)).unembedOnly(-1));
            double cleanLogitDiff = new AnswerMetrics(HostArrays.floats(clean.output()), example.target(), example.foil())
                    .cleanLogitDiff();
            double[] residual = ResidualParts.vector(clean.cache().get(ResidualParts.finalResidual(c)), last);
            FrozenFinalNorm norm = new FrozenFinalNorm(model, residual, example.target(), example.foil());
            Map<String, Double> baselines = Map.of(AnswerMetrics.CLEAN_LOGIT_DIFF, cleanLogitDiff);
            for (ResidualParts.Part part : ResidualParts.at(model, clean.cache(), last)) {
                double value = norm.contribution(part.vector());
                if (part.component().equals(ResidualParts.BIAS)) {
                    value += norm.constant();
                }
                Map<String, Object> condition = new LinkedHashMap<>();
                condition.put("component", part.component());
                condition.put("layer", part.layer());
                condition.put("head", part.head());
                sink.accept(condition, Map.of(AnswerMetrics.LOGIT_DIFF, value), baselines);
            }
        }
    }
}

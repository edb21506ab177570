package lab.experiments.inspection;

import lab.experiments.ConditionColumn;
import lab.experiments.Experiment;
import lab.experiments.HostArrays;
import lab.experiments.MapAxes;
import lab.experiments.PositionLabels;
import lab.experiments.PreparedExample;
import lab.experiments.ResultSink;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import lab.experiments.metrics.AnswerMetrics;
import lab.runtime.ForwardResult;
import lab.runtime.HookedTransformer;
import lab.runtime.ModelConfig;
import lab.runtime.RunOptions;

/**
 * The logit lens: what the residual stream would predict if the model stopped at each layer.
 * Each {@code blocks.L.hook_resid_pre} (and the last block's {@code hook_resid_post}, reported
 * as layer n_layers) goes through the model's own final norm and unembedding; at layer n_layers
 * that is the model's output. Every layer's residual runs as one batch.
 *
 * <p>Metrics: {@code logit_diff} (target minus foil, read at every position) and {@code
 * target_rank} (how many tokens score above the target: 0 when it is the top prediction).
 * Parameters: {@code position}: "all" (default) or "last"; {@code align}: "start" (default:
 * {@code position} counts from the first token) or "end" (-1 is the last token, -2 the one
 * before, ...), so that prompts of different lengths line up at the scored position.
 */
public final class LogitLens implements Experiment {

    public static final String TYPE = "logit_lens";
    public static final String TARGET_RANK = "target_rank";

    private final boolean lastPositionOnly;
    private final boolean fromEnd;
    private final PositionLabels positionLabels;

    public LogitLens(boolean lastPositionOnly, boolean fromEnd) {
        this.lastPositionOnly = lastPositionOnly;
        this.fromEnd = fromEnd;
        this.positionLabels = new PositionLabels(fromEnd);
    }

    public static LogitLens fromParams(JsonNode params) {
        String position = params.path("position").asText("all");
        if (!position.equals("all") && !position.equals("last")) {
            throw new IllegalArgumentException("experiment.position is '" + position + "'; use \"all\" or \"last\"");
        }
        String align = params.path("align").asText("start");
        if (!align.equals("start") && !align.equals("end")) {
            throw new IllegalArgumentException("experiment.align is '" + align + "'; use \"start\" or \"end\"");
        }
        return new LogitLens(position.equals("last"), align.equals("end"));
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<ConditionColumn> conditionColumns() {
        return List.of(ConditionColumn.integer("layer"), ConditionColumn.integer("position"));
    }

    @Override
    public List<MapAxes> maps() {
        return List.of(new MapAxes("layer", "position", List.of()).labelled("position", positionLabels.labels()));
    }

    @Override
    public List<String> supportedMetrics() {
        return List.of(AnswerMetrics.LOGIT_DIFF, TARGET_RANK);
    }

    @Override
    public void check(ModelConfig model) {
        // every model has residuals and a final norm: nothing to check
    }

    @Override
    public void run(HookedTransformer model, PreparedExample example, List<String> metrics, ResultSink sink) {
        int layers = model.config().nLayers();
        long[] ids = example.clean();
        positionLabels.record(model, ids);
        try (NDManager m = NDManager.newBaseManager(model.device())) {
            String last = "blocks." + (layers - 1) + ".hook_resid_post";
            ForwardResult clean = model.run(m, model.tokens(m, ids), RunOptions.defaults()
                    .caching(Pattern.compile("blocks\\.\\d+\\.hook_resid_pre|" + Pattern.quote(last))).unembedOnly(-1));
            double cleanLogitDiff = new AnswerMetrics(HostArrays.floats(clean.output()), example.target(), example.foil()).cleanLogitDiff();
            NDList residuals = new NDList();
            for (int l = 0; l < layers; l++) {
                residuals.add(clean.cache().get("blocks." + l + ".hook_resid_pre"));
            }
            residuals.add(clean.cache().get(last));
            RunOptions lens = RunOptions.defaults().startAt(layers);
            NDArray logits = model.run(m, NDArrays.concat(residuals, 0), lastPositionOnly ? lens.unembedOnly(-1) : lens).output();
            int positions = (int) logits.getShape().get(1);
            int vocab = (int) logits.getShape().get(2);
            float[] all = HostArrays.floats(logits);
            for (int l = 0; l <= layers; l++) {
                for (int p = 0; p < positions; p++) {
                    int from = (l * positions + p) * vocab;
                    Map<String, Object> condition = new LinkedHashMap<>();
                    condition.put("layer", l);
                    int at = lastPositionOnly ? ids.length - 1 : p;
                    condition.put("position", fromEnd ? at - ids.length : at);
                    Map<String, Double> values = new LinkedHashMap<>();
                    for (String metric : metrics) {
                        values.put(metric, value(metric, all, from, vocab, example));
                    }
                    sink.accept(condition, values, Map.of(AnswerMetrics.CLEAN_LOGIT_DIFF, cleanLogitDiff));
                }
            }
        }
    }

    private static double value(String metric, float[] logits, int from, int vocab, PreparedExample example) {
        float target = logits[from + (int) example.target()];
        return switch (metric) {
            case AnswerMetrics.LOGIT_DIFF -> (double) target - logits[from + (int) example.foil()];
            case TARGET_RANK -> {
                int above = 0;
                for (int v = 0; v < vocab; v++) {
                    above += logits[from + v] > target ? 1 : 0;
                }
                yield above;
            }
            default -> throw new IllegalArgumentException("logit_lens does not report '" + metric + "'");
        };
    }
}

package lab.experiments;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import lab.experiments.metrics.AnswerMetrics;
import lab.experiments.metrics.AnswerReading;
import lab.runtime.ForwardResult;
import lab.runtime.Hook;
import lab.runtime.HookedTransformer;
import lab.runtime.Interventions;
import lab.runtime.ModelConfig;
import lab.runtime.RunOptions;

/**
 * Scales one attention head at a time (its slice of {@code hook_z}, before W_O) by each of
 * {@code scales}; 0 zeroes it. Each layer's conditions run as one batch that starts at that layer
 * from the clean run's cached residual and unembeds only the answer positions (the last one for
 * one-token answers), so nothing upstream of the intervention is recomputed. Answers of several
 * tokens ({@code span} full) are scored through {@link AnswerScorer}: each condition then runs the
 * prompt + target and prompt + foil rows.
 *
 * <p>Parameters: {@code scales} (non-empty list of numbers), optional {@code heads} (list of
 * [layer, head]; default every head), {@code position} ("all", the default, or "last": scale the
 * head's output at the prompt's last position only), {@code batch_size} (rows per forward, default 64).
 */
public final class HeadsZero implements Experiment {

    public static final String TYPE = "heads_zero";

    private final double[] scales;
    private final List<int[]> heads;
    private final int batchSize;
    private final boolean lastPositionOnly;

    public HeadsZero(double[] scales, List<int[]> heads, int batchSize, boolean lastPositionOnly) {
        if (scales.length == 0) {
            throw new IllegalArgumentException("experiment.scales is empty: give at least one scale, e.g. [0.0]");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("experiment.batch_size must be at least 1");
        }
        this.scales = scales.clone();
        this.heads = heads == null ? null : List.copyOf(heads);
        this.batchSize = batchSize;
        this.lastPositionOnly = lastPositionOnly;
    }

    public static HeadsZero fromParams(JsonNode params) {
        JsonNode s = params.path("scales");
        if (!s.isArray()) {
            throw new IllegalArgumentException("experiment.scales must be a list of numbers, e.g. [0.0, 0.5, 1.0]");
        }
        double[] scales = new double[s.size()];
        for (int i = 0; i < scales.length; i++) {
            if (!s.get(i).isNumber()) {
                throw new IllegalArgumentException("experiment.scales[" + i + "] is " + s.get(i) + ", not a number");
            }
            scales[i] = s.get(i).asDouble();
        }
        List<int[]> heads = null;
        if (params.hasNonNull("heads")) {
            heads = new ArrayList<>();
            for (JsonNode pair : params.get("heads")) {
                if (!pair.isArray() || pair.size() != 2 || !pair.get(0).canConvertToInt() || !pair.get(1).canConvertToInt()) {
                    throw new IllegalArgumentException("experiment.heads holds " + pair + "; each entry is [layer, head]");
                }
                heads.add(new int[] {pair.get(0).asInt(), pair.get(1).asInt()});
            }
        }
        String position = params.path("position").asText("all");
        if (!position.equals("all") && !position.equals("last")) {
            throw new IllegalArgumentException("experiment.position is '" + position + "'; use \"all\" or \"last\"");
        }
        return new HeadsZero(scales, heads, params.path("batch_size").asInt(64), position.equals("last"));
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<ConditionColumn> conditionColumns() {
        return List.of(ConditionColumn.integer("layer"), ConditionColumn.integer("head"), ConditionColumn.number("scale"));
    }

    @Override
    public List<MapAxes> maps() {
        return List.of(new MapAxes("layer", "head", List.of("scale")));
    }

    @Override
    public boolean scoresAnswerSpans() {
        return true;
    }

    @Override
    public void check(ModelConfig model) {
        if (heads == null) {
            return;
        }
        for (int[] lh : heads) {
            if (lh[0] < 0 || lh[0] >= model.nLayers() || lh[1] < 0 || lh[1] >= model.nHeads()) {
                throw new IllegalArgumentException("experiment.heads names [" + lh[0] + ", " + lh[1] + "] but the model has "
                        + model.nLayers() + " layers of " + model.nHeads() + " heads (layer 0.." + (model.nLayers() - 1)
                        + ", head 0.." + (model.nHeads() - 1) + ")");
            }
        }
    }

    @Override
    public void run(HookedTransformer model, PreparedExample example, List<String> metrics, ResultSink sink) {
        Map<Integer, List<Integer>> byLayer = headsByLayer(model.config());
        AnswerScorer scorer = AnswerScorer.forClean(example);
        try (NDManager m = NDManager.newBaseManager(model.device())) {
            String layers = byLayer.keySet().stream().map(String::valueOf).reduce((a, b) -> a + "|" + b).orElse("");
            try (ForwardResult clean = model.run(m, scorer.tokens(model, m), scorer.readingAnswers(RunOptions.defaults()
                    .caching(Pattern.compile("blocks\\.(" + layers + ")\\.hook_resid_pre"))))) {
                AnswerMetrics answer = new AnswerMetrics(scorer.read(clean.output()).get(0));
                Map<String, Double> baselines = Map.of(AnswerMetrics.CLEAN_LOGIT_DIFF, answer.cleanLogitDiff());
                for (Map.Entry<Integer, List<Integer>> layer : byLayer.entrySet()) {
                    List<double[]> conditions = new ArrayList<>();
                    for (int head : layer.getValue()) {
                        for (double scale : scales) {
                            conditions.add(new double[] {head, scale});
                        }
                    }
                    NDArray resid = clean.cache().get("blocks." + layer.getKey() + ".hook_resid_pre");
                    // batch_size counts forward rows; a condition takes one run of the scorer's rows
                    int perBatch = Math.max(1, batchSize / scorer.rowsPerRun());
                    for (int from = 0; from < conditions.size(); from += perBatch) {
                        List<double[]> chunk = conditions.subList(from, Math.min(conditions.size(), from + perBatch));
                        runChunk(model, m, scorer, resid, layer.getKey(), chunk, answer, metrics, baselines, sink);
                    }
                }
            }
        }
    }

    private void runChunk(HookedTransformer model, NDManager m, AnswerScorer scorer, NDArray resid, int layer,
                          List<double[]> chunk, AnswerMetrics answer, List<String> metrics, Map<String, Double> baselines,
                          ResultSink sink) {
        int nHeads = model.config().nHeads();
        float[][] factors = new float[chunk.size()][nHeads];
        for (int r = 0; r < chunk.size(); r++) {
            java.util.Arrays.fill(factors[r], 1f);
            factors[r][(int) chunk.get(r)[0]] = (float) chunk.get(r)[1];
        }
        float[][] rowFactors = scorer.perRow(factors);
        RunOptions options = scorer.readingAnswers(RunOptions.defaults().startAt(layer).withHooks(
                Hook.replacing("blocks." + layer + ".attn.hook_z", lastPositionOnly
                        ? Interventions.scaleHeadsPerRowAt(rowFactors, scorer.lastPromptPosition())
                        : Interventions.scaleHeadsPerRow(2, rowFactors))));
        try (NDArray batch = scorer.repeatRuns(resid, chunk.size()); ForwardResult r = model.run(m, batch, options)) {
            List<AnswerReading> readings = scorer.read(r.output());
            for (int row = 0; row < chunk.size(); row++) {
                Map<String, Object> condition = new LinkedHashMap<>();
                condition.put("layer", layer);
                condition.put("head", (int) chunk.get(row)[0]);
                condition.put("scale", chunk.get(row)[1]);
                Map<String, Double> values = new LinkedHashMap<>();
                for (String metric : metrics) {
                    values.put(metric, answer.value(metric, readings.get(row)));
                }
                sink.accept(condition, values, baselines);
            }
        }
    }

    private Map<Integer, List<Integer>> headsByLayer(ModelConfig c) {
        Map<Integer, List<Integer>> byLayer = new TreeMap<>();
        if (heads == null) {
            for (int l = 0; l < c.nLayers(); l++) {
                for (int h = 0; h < c.nHeads(); h++) {
                    byLayer.computeIfAbsent(l, k -> new ArrayList<>()).add(h);
                }
            }
        } else {
            heads.forEach(lh -> byLayer.computeIfAbsent(lh[0], k -> new ArrayList<>()).add(lh[1]));
        }
        return byLayer;
    }
}

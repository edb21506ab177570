package lab.experiments.heads;

import lab.experiments.AnswerScorer;
import lab.experiments.ConditionColumn;
import lab.experiments.Experiment;
import lab.experiments.MapAxes;
import lab.experiments.PreparedExample;
import lab.experiments.ResultSink;
import lab.experiments.RunInputs;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import lab.experiments.metrics.AnswerMetrics;
import lab.experiments.metrics.AnswerReading;
import lab.runtime.ForwardResult;
import lab.runtime.HookedTransformer;
import lab.runtime.ModelConfig;

/**
 * Ablates one attention head at a time (its slice of {@code hook_z}, before W_O), by each of
 * {@code scales}: with zero ablation the head is scaled (0 zeroes it), with mean ablation it moves
 * toward its mean over a reference set (0 replaces it by the mean; see {@link HeadAblation}). Each
 * layer's conditions run as one batch that starts at that layer from the clean run's cached
 * residual and unembeds only the answer positions (the last one for one-token answers), so nothing
 * upstream of the intervention is recomputed ({@link HeadAblationRuns}). Answers of several tokens
 * ({@code span} full, zero ablation) are scored through {@link AnswerScorer}: each condition then
 * runs the prompt + target and prompt + foil rows.
 *
 * <p>Parameters: {@code scales} (non-empty list of numbers), optional {@code heads} ("all", the
 * default, or a list of [layer, head]), {@code position} ("all", the default, or "last": act on the
 * head's output at the last position only), {@code batch_size} (rows per forward, default 64), and
 * {@code ablation}, {@code reference}, {@code mean_over} as {@link HeadAblation} reads them.
 */
public final class HeadsZero implements Experiment {

    public static final String TYPE = "heads_zero";

    private final double[] scales;
    private final List<int[]> heads;
    private final int batchSize;
    private final boolean lastPositionOnly;
    private final HeadAblation ablation;

    public HeadsZero(double[] scales, List<int[]> heads, int batchSize, boolean lastPositionOnly) {
        this(scales, heads, batchSize, lastPositionOnly, HeadAblation.zero());
    }

    private HeadsZero(double[] scales, List<int[]> heads, int batchSize, boolean lastPositionOnly, HeadAblation ablation) {
        if (scales.length == 0) {
            throw new IllegalArgumentException("experiment.scales is empty: give at least one scale, e.g. [0.0]");
        }
        this.scales = scales.clone();
        this.heads = heads == null ? null : List.copyOf(heads);
        this.batchSize = batchSizeOf(batchSize);
        this.lastPositionOnly = lastPositionOnly;
        this.ablation = ablation;
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
        String position = params.path("position").asText("all");
        if (!position.equals("all") && !position.equals("last")) {
            throw new IllegalArgumentException("experiment.position is '" + position + "'; use \"all\" or \"last\"");
        }
        return new HeadsZero(scales, headsOf(params.get("heads")), params.path("batch_size").asInt(64),
                position.equals("last"), HeadAblation.fromParams(params));
    }

    /** {@code heads}: absent, null or "all" for every head (null), else a list of [layer, head]. */
    static List<int[]> headsOf(JsonNode value) {
        if (value == null || value.isNull() || (value.isTextual() && value.asText().equals("all"))) {
            return null;
        }
        if (!value.isArray() || value.isEmpty()) {
            throw new IllegalArgumentException("experiment.heads is " + value + "; give \"all\" or a non-empty list of"
                    + " [layer, head], e.g. [[0, 1], [1, 3]]");
        }
        List<int[]> heads = new ArrayList<>();
        for (JsonNode pair : value) {
            if (!pair.isArray() || pair.size() != 2 || !pair.get(0).canConvertToInt() || !pair.get(1).canConvertToInt()) {
                throw new IllegalArgumentException("experiment.heads holds " + pair + "; each entry is [layer, head]");
            }
            heads.add(new int[] {pair.get(0).asInt(), pair.get(1).asInt()});
        }
        return heads;
    }

    static int batchSizeOf(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("experiment.batch_size must be at least 1");
        }
        return batchSize;
    }

    /** Fails naming the head and the model's ranges if [layer, head] does not exist. */
    static void checkHead(String key, int layer, int head, ModelConfig model) {
        if (layer < 0 || layer >= model.nLayers() || head < 0 || head >= model.nHeads()) {
            throw new IllegalArgumentException(key + " names [" + layer + ", " + head + "] but the model has "
                    + model.nLayers() + " layers of " + model.nHeads() + " heads (layer 0.." + (model.nLayers() - 1)
                    + ", head 0.." + (model.nHeads() - 1) + ")");
        }
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
    public boolean reportsAnswerReadings() {
        return true;
    }

    @Override
    public boolean scoresAnswerSpans() {
        // per-position means exist for prompt positions only, not for the answer tokens that follow
        return !ablation.isMean();
    }

    @Override
    public void check(ModelConfig model) {
        if (heads != null) {
            heads.forEach(lh -> checkHead("experiment.heads", lh[0], lh[1], model));
        }
    }

    @Override
    public void prepare(HookedTransformer model, RunInputs inputs) {
        ablation.prepare(model, inputs);
    }

    @Override
    public void run(HookedTransformer model, PreparedExample example, List<String> metrics, ResultSink sink) {
        Map<Integer, List<Integer>> byLayer = headsByLayer(model.config());
        AnswerScorer scorer = AnswerScorer.forClean(example);
        HeadAblationRuns runs = new HeadAblationRuns(model, ablation, batchSize, lastPositionOnly);
        try (NDManager m = NDManager.newBaseManager(model.device());
             ForwardResult clean = HeadAblationRuns.cleanRun(model, m, scorer, byLayer.keySet())) {
            AnswerMetrics answer = new AnswerMetrics(scorer.read(clean.output()).get(0));
            Map<String, Double> baselines = Map.of(AnswerMetrics.CLEAN_LOGIT_DIFF, answer.cleanLogitDiff());
            for (Map.Entry<Integer, List<Integer>> layer : byLayer.entrySet()) {
                List<HeadAblationRuns.Row> rows = new ArrayList<>();
                for (int head : layer.getValue()) {
                    for (double scale : scales) {
                        rows.add(HeadAblationRuns.Row.single(layer.getKey(), head, scale));
                    }
                }
                runs.run(m, scorer, clean, layer.getKey(), rows, (row, reading) -> {
                    Map<String, Object> condition = new LinkedHashMap<>();
                    condition.put("layer", row.heads().get(0)[0]);
                    condition.put("head", row.heads().get(0)[1]);
                    condition.put("scale", row.scale());
                    sink.accept(condition, answer.values(metrics, reading), baselines, reading);
                });
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

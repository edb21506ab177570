package lab.experiments.patching;

import lab.experiments.AnswerScorer;
import lab.experiments.ConditionColumn;
import lab.experiments.Experiment;
import lab.experiments.MapAxes;
import lab.experiments.PositionLabels;
import lab.experiments.PreparedExample;
import lab.experiments.ResultSink;
import lab.experiments.RunInputs;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lab.experiments.patching.CleanCorruptRuns.Run;
import lab.experiments.metrics.AnswerMetrics;
import lab.experiments.metrics.AnswerReading;
import lab.experiments.metrics.PatchScore;
import lab.runtime.HookedTransformer;
import lab.runtime.ModelConfig;

/**
 * Activation patching between an example's clean and corrupt runs, in either direction or both:
 * one component's activation (a layer's residual, attention or MLP output at a position, or a
 * head's output) is taken from one run and written into the other, and the answers are read as
 * the {@link AnswerScorer} reads them: at the last position for one-token answers; with
 * {@code "span": "full"} the clean and corrupt runs are each prompt + target and prompt + foil
 * (the prompts have one length, so row matches row), a patch takes the source's activation of the
 * same answer, and only prompt positions are ever patched, never the answer tokens.
 *
 * <p>Both runs are made once per example, caching what is patched and the residual entering each
 * patched layer; every patched run then starts at its layer from the receiving run's cached
 * residual, many patches to a forward as batch rows (see {@link PatchBatches}), so nothing upstream
 * of the patch is recomputed.
 *
 * <p>Each direction is measured against its own receiving run (kl, acc_flip_rate and p_drop
 * against the unpatched receiver); logit_diff is absolute, with clean_logit_diff and
 * corrupt_logit_diff beside it, and patch_score normalises it (see {@link PatchScore}). With
 * {@code "both"}, rows whose direction is {@value PatchDirection#ASYMMETRY} hold, per condition,
 * patch_score(clean_to_corrupt) - patch_score(corrupt_to_clean) and no other metric.
 *
 * <p>Parameters: {@code direction} ("clean_to_corrupt", "corrupt_to_clean" or "both"),
 * {@code granularity} ("layer_resid", "attn_out", "mlp_out": layer x position; "head_out", "head_q",
 * "head_k" (a head's hook_z, hook_q or hook_k slice): layer x head over all positions, or layer x
 * head x position with {@code "per_position": true}), optional
 * {@code layers} and {@code positions} (lists; default all; positions count from the prompt's
 * start, and an example shorter than a position has no row there), {@code batch_size} (forward
 * rows, default 64; a patched run takes two with answer spans).
 */
public final class ActivationPatch implements Experiment {

    public static final String TYPE = "activation_patch";

    /** Position (as text) to label, set by {@link #prepare}; none before. */
    private Map<String, String> positionLabels = Map.of();
    private final List<PatchDirection> directions;
    private final PatchGranularity granularity;
    private final boolean perPosition;
    private final List<Integer> layers;
    private final List<Integer> positions;
    private final int batchSize;

    /**
     * @param layers null for every layer
     * @param positions null for every position
     */
    public ActivationPatch(List<PatchDirection> directions, PatchGranularity granularity, boolean perPosition,
                           List<Integer> layers, List<Integer> positions, int batchSize) {
        if (directions.isEmpty()) {
            throw new IllegalArgumentException("experiment.direction names no direction");
        }
        if (perPosition && !granularity.perHead()) {
            throw new IllegalArgumentException("experiment.per_position applies to granularity \"head_out\", \"head_q\""
                    + " or \"head_k\" only; "
                    + granularity.label() + " is patched per position already: leave per_position out");
        }
        if (positions != null && granularity.perHead() && !perPosition) {
            throw new IllegalArgumentException("experiment.positions with granularity \"" + granularity.label() + "\" needs"
                    + " \"per_position\": true (without it a head is patched at every position at once)");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("experiment.batch_size must be at least 1");
        }
        this.directions = List.copyOf(directions);
        this.granularity = granularity;
        this.perPosition = perPosition;
        this.layers = layers == null ? null : List.copyOf(layers);
        this.positions = positions == null ? null : List.copyOf(positions);
        this.batchSize = batchSize;
    }

    public static ActivationPatch fromParams(JsonNode params) {
        List<PatchDirection> directions = PatchDirection.parse(text(params, "direction"));
        PatchGranularity granularity = PatchGranularity.parse(text(params, "granularity"));
        JsonNode perPosition = params.path("per_position");
        if (!perPosition.isMissingNode() && !perPosition.isBoolean()) {
            throw new IllegalArgumentException("experiment.per_position is " + perPosition + "; use true or false");
        }
        return new ActivationPatch(directions, granularity, perPosition.asBoolean(false), indices(params, "layers"),
                indices(params, "positions"), params.path("batch_size").asInt(64));
    }

    private static String text(JsonNode params, String key) {
        JsonNode v = params.path(key);
        if (!v.isTextual()) {
            throw new IllegalArgumentException("experiment." + key + " is " + (v.isMissingNode() ? "missing" : v)
                    + "; see lab/configs/schema/README.md for its values");
        }
        return v.asText();
    }

    /** A list of distinct indices >= 0, or null when the key is absent. */
    private static List<Integer> indices(JsonNode params, String key) {
        if (!params.hasNonNull(key)) {
            return null;
        }
        JsonNode list = params.get(key);
        if (!list.isArray() || list.isEmpty()) {
            throw new IllegalArgumentException("experiment." + key + " must be a non-empty list of indices from 0, e.g. [0, 1]");
        }
        Set<Integer> out = new LinkedHashSet<>();
        for (JsonNode v : list) {
            if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 0 || !out.add(v.asInt())) {
                throw new IllegalArgumentException("experiment." + key + " holds " + v + "; each entry is a distinct index >= 0");
            }
        }
        return List.copyOf(out);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public boolean reportsAnswerReadings() {
        return true;
    }

    /** Clean into corrupt, the intervened run is the corrupt prompt, read against the clean target. */
    @Override
    public boolean answersTheTarget(Map<String, Object> condition) {
        return !PatchDirection.CLEAN_TO_CORRUPT.label().equals(condition.get("direction"));
    }

    @Override
    public boolean scoresAnswerSpans() {
        return true;
    }

    @Override
    public List<ConditionColumn> conditionColumns() {
        List<ConditionColumn> columns = new ArrayList<>(List.of(ConditionColumn.text("direction"), ConditionColumn.integer("layer")));
        if (granularity.perHead()) {
            columns.add(ConditionColumn.integer("head"));
        }
        if (patchesPositions()) {
            columns.add(ConditionColumn.integer("position"));
        }
        return columns;
    }

    @Override
    public List<MapAxes> maps() {
        if (!granularity.perHead()) {
            return List.of(labelled(new MapAxes("layer", "position", List.of("direction"))).withoutChangeMaps());
        }
        // no change-from-clean maps: clean into corrupt is read against the corrupt run (patch_score)
        return List.of(perPosition ? labelled(new MapAxes("layer", "position", List.of("direction", "head"))).withoutChangeMaps()
                : new MapAxes("layer", "head", List.of("direction")).withoutChangeMaps());
    }

    @Override
    public String effectMetric(List<String> metrics) {
        return PatchScore.NAME;
    }

    private MapAxes labelled(MapAxes byPosition) {
        return positionLabels.isEmpty() ? byPosition : byPosition.labelled("position", positionLabels);
    }

    @Override
    public List<String> extraMetrics() {
        return List.of(PatchScore.NAME);
    }

    @Override
    public List<String> baselines() {
        return List.of(AnswerMetrics.CLEAN_LOGIT_DIFF, PatchScore.CORRUPT_LOGIT_DIFF);
    }

    @Override
    public void check(ModelConfig model) {
        for (int l : layers == null ? List.<Integer>of() : layers) {
            if (l >= model.nLayers()) {
                throw new IllegalArgumentException("experiment.layers names layer " + l + " but the model has "
                        + model.nLayers() + " layers (0.." + (model.nLayers() - 1) + ")");
            }
        }
        for (int p : positions == null ? List.<Integer>of() : positions) {
            if (p >= model.contextLength()) {
                throw new IllegalArgumentException("experiment.positions names position " + p
                        + " but the model's context is " + model.contextLength() + " tokens");
            }
        }
    }

    @Override
    public void check(List<PreparedExample> examples) {
        int longest = examples.stream().mapToInt(ex -> ex.clean().length).max().orElse(0);
        for (int p : positions == null ? List.<Integer>of() : positions) {
            if (p >= longest) {
                throw new IllegalArgumentException("experiment.positions names position " + p + " but the longest prompt"
                        + " is " + longest + " tokens (positions 0.." + (longest - 1) + ", counted from its start)");
            }
        }
    }

    /** Position labels for the maps: the tokens when every example shares a template, else indices. */
    @Override
    public void prepare(HookedTransformer model, RunInputs inputs) {
        if (patchesPositions()) {
            Map<String, String> labels = new java.util.LinkedHashMap<>();
            PositionLabels.of(model.tokenizer(), inputs.examples()).forEach((p, label) -> labels.put(String.valueOf(p), label));
            positionLabels = labels;
        }
    }

    @Override
    public void run(HookedTransformer model, PreparedExample example, List<String> metrics, ResultSink sink) {
        ModelConfig config = model.config();
        Map<Integer, List<PatchBatches.Job>> jobs = new LinkedHashMap<>();
        for (int layer : patchedLayers(config)) {
            List<PatchBatches.Job> inLayer = new ArrayList<>();
            for (PatchDirection d : directions) {
                sites(layer, example.clean().length, config.nHeads()).forEach(s -> inLayer.add(new PatchBatches.Job(d, s)));
            }
            jobs.put(layer, inLayer);
        }
        Map<PatchSite, double[]> scores = new LinkedHashMap<>();
        Map<String, Double> baselines = patch(model, example, metrics, jobs, (job, values, b, reading) -> {
            scores.computeIfAbsent(job.site(), k -> new double[directions.size()])[directions.indexOf(job.direction())] =
                    values.get(PatchScore.NAME);
            sink.accept(condition(job.direction().label(), job.site()), values, b, reading);
        });
        if (directions.size() == 2) {
            reportAsymmetry(scores, metrics, baselines, sink);
        }
    }

    /** One patched run's outcome: its metrics and patch_score, the unpatched runs' baselines, and its reading. */
    @FunctionalInterface
    interface PatchedRun {
        void accept(PatchBatches.Job job, Map<String, Double> values, Map<String, Double> baselines, AnswerReading reading);
    }

    /**
     * Runs the given patches of one example exactly (layer to its jobs: every site of every layer for
     * {@link #run}, a few chosen ones for {@link AttributionPatch}'s verify_top), handing each, in
     * order, its {@code metrics} and patch_score with clean_logit_diff and corrupt_logit_diff as
     * baselines; returns those baselines. Only the layers given are cached.
     */
    Map<String, Double> patch(HookedTransformer model, PreparedExample example, List<String> metrics,
                              Map<Integer, List<PatchBatches.Job>> jobs, PatchedRun out) {
        Set<String> cached = new LinkedHashSet<>();
        for (int l : jobs.keySet()) {
            cached.add("blocks." + l + ".hook_resid_pre");
            cached.add(granularity.hook(l));
        }
        try (NDManager m = NDManager.newBaseManager(model.device());
             CleanCorruptRuns runs = CleanCorruptRuns.scored(model, m, example, cached)) {
            // AnswerMetrics reads intervened runs against the run it is built on: here, each
            // unpatched run is the reference of the patches it receives
            Map<Run, AnswerMetrics> receivers = Map.of(
                    Run.CLEAN, new AnswerMetrics(runs.reading(Run.CLEAN)),
                    Run.CORRUPT, new AnswerMetrics(runs.reading(Run.CORRUPT)));
            double clean = receivers.get(Run.CLEAN).cleanLogitDiff();
            double corrupt = receivers.get(Run.CORRUPT).cleanLogitDiff();
            Map<String, Double> baselines = new LinkedHashMap<>();
            baselines.put(AnswerMetrics.CLEAN_LOGIT_DIFF, clean);
            baselines.put(PatchScore.CORRUPT_LOGIT_DIFF, corrupt);
            PatchBatches batches = new PatchBatches(model, m, runs, granularity, batchSize);
            jobs.forEach((layer, inLayer) -> batches.read(layer, inLayer, (job, patched) -> {
                AnswerMetrics receiver = receivers.get(job.direction().receiver());
                Map<String, Double> values = new LinkedHashMap<>(receiver.values(metrics, patched));
                values.put(PatchScore.NAME, job.direction().score(receiver.value(AnswerMetrics.LOGIT_DIFF, patched), clean, corrupt));
                out.accept(job, values, baselines, patched);
            }));
            return baselines;
        }
    }

    /** The directions patched, in config order. */
    List<PatchDirection> directions() {
        return directions;
    }

    PatchGranularity granularity() {
        return granularity;
    }

    /** The layers patched: the config's, or every layer. */
    List<Integer> patchedLayers(ModelConfig config) {
        return layers != null ? layers : java.util.stream.IntStream.range(0, config.nLayers()).boxed().toList();
    }

    /** Per site, restored - broken; the other metrics have no meaning for such a row and are NaN. */
    void reportAsymmetry(Map<PatchSite, double[]> scores, List<String> metrics, Map<String, Double> baselines,
                                 ResultSink sink) {
        reportAsymmetry(scores, metrics, site -> Map.of(), baselines, sink);
    }

    /** As {@link #reportAsymmetry(Map, List, Map, ResultSink)}, with {@code extra} values of each site's row. */
    void reportAsymmetry(Map<PatchSite, double[]> scores, List<String> metrics,
                         java.util.function.Function<PatchSite, Map<String, Double>> extra, Map<String, Double> baselines,
                         ResultSink sink) {
        scores.forEach((site, byDirection) -> {
            Map<String, Double> values = new LinkedHashMap<>();
            metrics.forEach(metric -> values.put(metric, Double.NaN));
            values.put(PatchScore.NAME, PatchScore.asymmetry(byDirection[0], byDirection[1]));
            values.putAll(extra.apply(site));
            sink.accept(condition(PatchDirection.ASYMMETRY, site), values, baselines);
        });
    }

    Map<String, Object> condition(String direction, PatchSite site) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("direction", direction);
        c.put("layer", site.layer());
        if (granularity.perHead()) {
            c.put("head", site.head());
        }
        if (patchesPositions()) {
            c.put("position", site.position());
        }
        return c;
    }

    /** What is patched in one layer of a prompt of {@code length} tokens. */
    List<PatchSite> sites(int layer, int length, int nHeads) {
        List<Integer> at = new ArrayList<>();
        for (int p = 0; p < length; p++) {
            if (positions == null || positions.contains(p)) {
                at.add(p);
            }
        }
        List<PatchSite> sites = new ArrayList<>();
        if (!granularity.perHead()) {
            at.forEach(p -> sites.add(new PatchSite(layer, PatchSite.ALL, p)));
        } else {
            for (int h = 0; h < nHeads; h++) {
                if (perPosition) {
                    for (int p : at) {
                        sites.add(new PatchSite(layer, h, p));
                    }
                } else {
                    sites.add(new PatchSite(layer, h, PatchSite.ALL));
                }
            }
        }
        return sites;
    }

    private boolean patchesPositions() {
        return !granularity.perHead() || perPosition;
    }
}

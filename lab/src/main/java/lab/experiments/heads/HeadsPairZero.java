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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import lab.experiments.metrics.AnswerMetrics;
import lab.runtime.ForwardResult;
import lab.runtime.HookedTransformer;
import lab.runtime.ModelConfig;

/**
 * Ablates two attention heads together, for backup and redundancy: per pair and example the
 * metrics with both heads ablated, and {@code interaction} = effect(a, b) - effect(a) - effect(b),
 * where an effect is the change of logit_diff from the clean run. Negative: the pair hurts more
 * than the two alone add up to (redundancy, a backup taking over); positive: less (the second
 * head's effect went through the first). The single-head effects are measured in the same run,
 * one batch per layer; each pair is a batch row with both heads ablated, starting at the earlier
 * head's layer from the clean run's cached residual ({@link HeadAblationRuns}).
 *
 * <p>Parameters: which pairs ({@link PairSelection}: {@code pairs}, or {@code from_run} with
 * {@code top_k} and {@code metric}); {@code scale} (default 0, i.e. full ablation; given, it is a
 * condition column); {@code batch_size} (default 64); {@code ablation}, {@code reference},
 * {@code mean_over} as {@link HeadAblation} reads them.
 */
public final class HeadsPairZero implements Experiment {

    public static final String TYPE = "heads_pair_zero";
    public static final String INTERACTION = "interaction";

    private final PairSelection selection;
    private final HeadAblation ablation;
    private final Double scale;
    private final int batchSize;
    private List<HeadPair> pairs;

    private HeadsPairZero(PairSelection selection, HeadAblation ablation, Double scale, int batchSize) {
        this.selection = selection;
        this.ablation = ablation;
        this.scale = scale;
        this.batchSize = HeadsZero.batchSizeOf(batchSize);
    }

    public static HeadsPairZero fromParams(JsonNode params) {
        Double scale = null;
        if (params.has("scale")) {
            if (!params.get("scale").isNumber()) {
                throw new IllegalArgumentException("experiment.scale is " + params.get("scale") + ", not a number (0 ablates fully)");
            }
            scale = params.get("scale").asDouble();
        }
        return new HeadsPairZero(PairSelection.fromParams(params), HeadAblation.fromParams(params), scale,
                params.path("batch_size").asInt(64));
    }

    /** effect(a, b) - effect(a) - effect(b), each effect a logit_diff minus the clean one. */
    static double interaction(double clean, double pair, double a, double b) {
        return (pair - clean) - (a - clean) - (b - clean);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<ConditionColumn> conditionColumns() {
        List<ConditionColumn> columns = new ArrayList<>(List.of(ConditionColumn.integer("layer_a"), ConditionColumn.integer("head_a"),
                ConditionColumn.integer("layer_b"), ConditionColumn.integer("head_b")));
        if (scale != null) {
            columns.add(ConditionColumn.number("scale"));
        }
        return columns;
    }

    @Override
    public List<MapAxes> maps() {
        return List.of(MapAxes.symmetric(List.of("layer_a", "head_a"), List.of("layer_b", "head_b"),
                scale == null ? List.of() : List.of("scale")));
    }

    @Override
    public List<String> extraMetrics() {
        return List.of(INTERACTION);
    }

    @Override
    public void check(ModelConfig model) {
        selection.check(model);
        if (!selection.needsRun()) {
            pairs = selection.resolve(model);
        }
    }

    @Override
    public void prepare(HookedTransformer model, RunInputs inputs) {
        if (selection.needsRun()) {
            pairs = selection.resolveFromRun(model.config(), inputs);
        }
        ablation.prepare(model, inputs);
    }

    /** The pairs this run ablates, each [l1, h1, l2, h2], once {@link #check} (or, with from_run, {@link #prepare}) ran. */
    public List<int[]> pairs() {
        requireResolved();
        return pairs.stream().map(p -> new int[] {p.layerA(), p.headA(), p.layerB(), p.headB()}).toList();
    }

    private void requireResolved() {
        if (pairs == null) {
            throw new IllegalStateException(selection.needsRun() ? "pairs from_run are known once the run is prepared"
                    : "check the experiment against the model first");
        }
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
    public void run(HookedTransformer model, PreparedExample example, List<String> metrics, ResultSink sink) {
        if (pairs == null && !selection.needsRun()) {
            check(model.config());
        }
        requireResolved();
        double s = scale == null ? 0.0 : scale;
        Map<Integer, List<HeadAblationRuns.Row>> singles = new TreeMap<>();
        Map<Integer, List<HeadAblationRuns.Row>> pairRows = new TreeMap<>();
        java.util.Set<List<Integer>> seen = new java.util.HashSet<>();
        for (HeadPair p : pairs) {
            for (int[] head : new int[][] {{p.layerA(), p.headA()}, {p.layerB(), p.headB()}}) {
                if (seen.add(List.of(head[0], head[1]))) {
                    singles.computeIfAbsent(head[0], k -> new ArrayList<>()).add(HeadAblationRuns.Row.single(head[0], head[1], s));
                }
            }
            pairRows.computeIfAbsent(p.layerA(), k -> new ArrayList<>()).add(new HeadAblationRuns.Row(
                    List.of(new int[] {p.layerA(), p.headA()}, new int[] {p.layerB(), p.headB()}), s));
        }
        HeadAblationRuns runs = new HeadAblationRuns(model, ablation, batchSize, false);
        AnswerScorer scorer = AnswerScorer.forClean(example);
        try (NDManager m = NDManager.newBaseManager(model.device());
             ForwardResult clean = HeadAblationRuns.cleanRun(model, m, scorer, singles.keySet())) {
            AnswerMetrics answer = new AnswerMetrics(scorer.read(clean.output()).get(0));
            Map<String, Double> baselines = Map.of(AnswerMetrics.CLEAN_LOGIT_DIFF, answer.cleanLogitDiff());
            Map<List<Integer>, Double> single = new HashMap<>();
            singles.forEach((layer, rows) -> runs.run(m, scorer, clean, layer, rows, (row, logits) -> single.put(
                    List.of(row.heads().get(0)[0], row.heads().get(0)[1]), answer.value(AnswerMetrics.LOGIT_DIFF, logits))));
            pairRows.forEach((layer, rows) -> runs.run(m, scorer, clean, layer, rows, (row, logits) -> {
                int[] a = row.heads().get(0);
                int[] b = row.heads().get(1);
                Map<String, Object> condition = new LinkedHashMap<>();
                condition.put("layer_a", a[0]);
                condition.put("head_a", a[1]);
                condition.put("layer_b", b[0]);
                condition.put("head_b", b[1]);
                if (scale != null) {
                    condition.put("scale", scale);
                }
                Map<String, Double> values = answer.values(metrics, logits);
                values.put(INTERACTION, interaction(answer.cleanLogitDiff(), answer.value(AnswerMetrics.LOGIT_DIFF, logits),
                        single.get(List.of(a[0], a[1])), single.get(List.of(b[0], b[1]))));
                sink.accept(condition, values, baselines, logits);
            }));
        }
    }
}

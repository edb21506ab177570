package lab.experiments.patching;

import lab.experiments.ConditionColumn;
import lab.experiments.Experiment;
import lab.experiments.MapAxes;
import lab.experiments.PreparedExample;
import lab.experiments.ResultSink;
import lab.experiments.RunInputs;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import lab.experiments.patching.CleanCorruptRuns.Run;
import lab.experiments.metrics.AnswerMetrics;
import lab.experiments.metrics.PatchScore;
import lab.runtime.HookedTransformer;
import lab.runtime.ModelConfig;

/**
 * Attribution patching (Nanda's AtP): the first-order estimate of every activation patch that
 * {@link ActivationPatch} with the same parameters would run, from one forward (clean and corrupt
 * as two rows) and one backward of the receiving runs' logit differences. Patching activation a
 * from the source run into the receiver changes logit_diff by about {@code (a_source - a_receiver) . d logit_diff / d a},
 * the gradient taken on the receiving run (the corrupt run for clean_to_corrupt, the clean run for
 * corrupt_to_clean); a head's patch over all positions is the sum of its per-position terms.
 *
 * <p>Rows, condition columns and maps are activation_patch's, so {@code harness compare} pairs the
 * estimate with the exact run: logit_diff is the receiver's logit difference plus the estimate,
 * patch_score is computed from it as activation_patch does, and {@code "both"} adds the asymmetry
 * rows. Only logit_diff is estimated (kl, acc_flip_rate and p_drop are not linear in a logit).
 *
 * <p>For a head's queries or keys ({@code head_q}, {@code head_k}) the default {@code method} is
 * Kramár et al.'s AtP* ({@link QueryKeyAttribution}): the head's attention pattern is recomputed
 * exactly for the patched queries or keys and only the pattern's change is taken to first order;
 * for the residual ({@code layer_resid}) it is the same fix for the block the residual enters
 * ({@link ResidualAttribution}, a backward per block); {@code "method": "atp"} gives plain AtP there
 * too, for comparison. {@code "method": "ig"} (any
 * granularity) averages the gradient over {@code steps} points of the path from receiver to source
 * ({@link IntegratedGradients}): a forward of that many rows and a backward per layer and direction.
 * Parameters are activation_patch's except {@code batch_size} (nothing is batched), plus
 * {@code method}, {@code steps} and {@code verify_top}.
 *
 * <p>{@code verify_top} k is Kramár et al.'s workflow of ranking by the estimate and then checking the
 * top candidates exactly: per example and direction, the k sites with the largest |estimated change
 * of logit_diff| are patched as {@link ActivationPatch} patches them, their rows carry the exact
 * logit_diff and patch_score, and every row carries {@value #VERIFIED} (1 exact, 0 estimated).
 */
public final class AttributionPatch implements Experiment {

    public static final String TYPE = "attribution_patch";
    /** Path points of method ig when {@code steps} is not given. */
    public static final int DEFAULT_STEPS = 8;
    /**
     * With {@code verify_top}, a metric on every row: 1 where logit_diff and patch_score are the
     * exact patch's, 0 where they are the estimate; on an asymmetry row, 1 when both terms are exact.
     */
    public static final String VERIFIED = "verified";

    /** The exact experiment whose conditions this one estimates. */
    private final ActivationPatch exact;
    private final AttributionMethod method;
    /** Path points for {@link AttributionMethod#IG}. */
    private final int steps;
    /** Sites per example and direction that are patched exactly, the largest |estimated change| first; 0 for none. */
    private final int verifyTop;

    /** With each granularity's default method (AtP* for head_q, head_k and layer_resid, else AtP). */
    public AttributionPatch(ActivationPatch exact) {
        this(exact, AttributionMethod.defaultFor(exact.granularity()), DEFAULT_STEPS);
    }

    /** Estimates only. */
    public AttributionPatch(ActivationPatch exact, AttributionMethod method, int steps) {
        this(exact, method, steps, 0);
    }

    /** @param verifyTop sites per example and direction to patch exactly (see {@link #VERIFIED}); 0 for none */
    public AttributionPatch(ActivationPatch exact, AttributionMethod method, int steps, int verifyTop) {
        method.requireFits(exact.granularity());
        if (steps < 1) {
            throw new IllegalArgumentException("experiment.steps must be at least 1");
        }
        if (verifyTop < 0) {
            throw new IllegalArgumentException("experiment.verify_top must be at least 1 (or left out for no verification)");
        }
        this.exact = exact;
        this.method = method;
        this.steps = steps;
        this.verifyTop = verifyTop;
    }

    public static AttributionPatch fromParams(JsonNode params) {
        if (params.has("batch_size")) {
            throw new IllegalArgumentException("experiment.batch_size does not apply to attribution_patch (it runs one"
                    + " forward per run and one backward, nothing in batches): leave it out");
        }
        ActivationPatch exact = ActivationPatch.fromParams(params);
        AttributionMethod method = AttributionMethod.parse(params.path("method"), exact.granularity());
        JsonNode steps = params.path("steps");
        if (!steps.isMissingNode() && method != AttributionMethod.IG) {
            throw new IllegalArgumentException("experiment.steps applies to method \"ig\" only (the points of its path): leave it out");
        }
        if (!steps.isMissingNode() && !(steps.isIntegralNumber() && steps.canConvertToInt())) {
            throw new IllegalArgumentException("experiment.steps is " + steps + "; use a whole number >= 1, e.g. 8");
        }
        JsonNode top = params.path("verify_top");
        if (!top.isMissingNode() && !(top.isIntegralNumber() && top.canConvertToInt() && top.asInt() >= 1)) {
            throw new IllegalArgumentException("experiment.verify_top is " + top + "; use a whole number >= 1 (the sites per"
                    + " example and direction to patch exactly, e.g. 4), or leave it out for estimates only");
        }
        return new AttributionPatch(exact, method, steps.asInt(DEFAULT_STEPS), top.asInt(0));
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<ConditionColumn> conditionColumns() {
        return exact.conditionColumns();
    }

    @Override
    public List<MapAxes> maps() {
        return exact.maps();
    }

    @Override
    public List<String> supportedMetrics() {
        return List.of(AnswerMetrics.LOGIT_DIFF);
    }

    @Override
    public List<String> extraMetrics() {
        if (verifyTop == 0) {
            return exact.extraMetrics();
        }
        List<String> extra = new ArrayList<>(exact.extraMetrics());
        extra.add(VERIFIED);
        return extra;
    }

    @Override
    public List<String> baselines() {
        return exact.baselines();
    }

    @Override
    public void check(ModelConfig model) {
        exact.check(model);
    }

    @Override
    public void check(List<PreparedExample> examples) {
        exact.check(examples);
        for (PreparedExample ex : examples) {
            if (ex.clean().length != ex.corrupt().length) {
                throw new IllegalArgumentException("example " + ex.id() + ": clean is " + ex.clean().length
                        + " tokens and corrupt " + ex.corrupt().length + "; patching needs prompts of one length");
            }
        }
    }

    @Override
    public void prepare(HookedTransformer model, RunInputs inputs) {
        exact.prepare(model, inputs);
    }

    @Override
    public void run(HookedTransformer model, PreparedExample example, List<String> metrics, ResultSink sink) {
        ModelConfig config = model.config();
        PatchGranularity granularity = exact.granularity();
        List<PatchDirection> directions = exact.directions();
        List<Integer> layers = exact.patchedLayers(config);
        // AtP* of a residual differentiates each block with its own pattern held fixed: a run per block below
        boolean perBlock = method == AttributionMethod.ATP_STAR && granularity == PatchGranularity.LAYER_RESID;
        int length = example.clean().length;
        try (NDManager m = NDManager.newBaseManager(model.device())) {
            // both prompts as the two rows of one forward (row = Run's ordinal), one backward for every receiving row;
            // ig differentiates its own path runs, and AtP* of a residual runs each block from its input up, so
            // for those this one caches the activations only
            List<Integer> receivers = directions.stream().map(d -> d.receiver().ordinal()).distinct().toList();
            List<long[]> prompts = List.of(example.clean(), example.corrupt());
            GradientRun runs = GradientRun.of(model, m, prompts, example.target(), example.foil(), sharedHooks(config, layers),
                    method == AttributionMethod.IG || perBlock ? List.of() : receivers);
            double clean = runs.logitDiff(Run.CLEAN.ordinal());
            double corrupt = runs.logitDiff(Run.CORRUPT.ordinal());
            Map<String, Double> baselines = new LinkedHashMap<>();
            baselines.put(AnswerMetrics.CLEAN_LOGIT_DIFF, clean);
            baselines.put(PatchScore.CORRUPT_LOGIT_DIFF, corrupt);
            List<Estimate> estimates = new ArrayList<>();
            for (int layer : layers) {
                try (NDManager block = m.newSubManager()) {
                    GradientRun layerRuns = perBlock ? GradientRun.fromResidual(model, block,
                            runs.everyRow(granularity.hook(layer)), layer, example.target(), example.foil(),
                            ResidualAttribution.hooks(config, layer), receivers, ResidualAttribution.detached(layer)) : runs;
                    for (PatchDirection d : directions) {
                        ToDoubleFunction<PatchSite> change = estimator(model, block, example, layerRuns, layer, d);
                        for (PatchSite site : exact.sites(layer, length, config.nHeads())) {
                            estimates.add(new Estimate(new PatchBatches.Job(d, site), runs.logitDiff(d.receiver().ordinal()),
                                    change.applyAsDouble(site)));
                        }
                    }
                }
            }
            Map<PatchBatches.Job, Map<String, Double>> verified = verify(model, example, estimates);
            Map<PatchSite, double[]> scores = new LinkedHashMap<>();
            Map<PatchSite, Integer> verifiedDirections = new LinkedHashMap<>();
            for (Estimate e : estimates) {
                PatchDirection d = e.job().direction();
                Map<String, Double> patched = verified.get(e.job());
                double logitDiff = patched != null ? patched.get(AnswerMetrics.LOGIT_DIFF) : e.receiver() + e.change();
                double score = patched != null ? patched.get(PatchScore.NAME) : d.score(logitDiff, clean, corrupt);
                Map<String, Double> values = new LinkedHashMap<>();
                for (String metric : metrics) {
                    values.put(metric, logitDiff);
                }
                values.put(PatchScore.NAME, score);
                if (verifyTop > 0) {
                    values.put(VERIFIED, patched != null ? 1.0 : 0.0);
                    verifiedDirections.merge(e.job().site(), patched != null ? 1 : 0, Integer::sum);
                }
                scores.computeIfAbsent(e.job().site(), k -> new double[directions.size()])[directions.indexOf(d)] = score;
                sink.accept(exact.condition(d.label(), e.job().site()), values, baselines);
            }
            if (directions.size() == 2) {
                // from the values as reported, exact where verified; verified when both of its terms are
                exact.reportAsymmetry(scores, metrics, site -> verifyTop == 0 ? Map.of()
                        : Map.of(VERIFIED, verifiedDirections.get(site) == 2 ? 1.0 : 0.0), baselines, sink);
            }
        }
    }

    /**
     * The points the one shared run caches: the patched points (for AtP* of a residual, the input of
     * each block's own run), or what AtP* of queries and keys reads.
     */
    private List<String> sharedHooks(ModelConfig config, List<Integer> layers) {
        if (method == AttributionMethod.ATP_STAR && exact.granularity().queryOrKey()) {
            return layers.stream().flatMap(l -> QueryKeyAttribution.hooks(config, l).stream()).toList();
        }
        return layers.stream().map(exact.granularity()::hook).toList();
    }

    /** One site's estimate in one direction: the receiver's logit_diff and the estimated change of it. */
    private record Estimate(PatchBatches.Job job, double receiver, double change) {
    }

    /**
     * Patches exactly, as activation_patch does, the verify_top estimates of each direction with the
     * largest |change| (ties: the earlier site), and returns their logit_diff and patch_score by job.
     */
    private Map<PatchBatches.Job, Map<String, Double>> verify(HookedTransformer model, PreparedExample example,
                                                            List<Estimate> estimates) {
        Map<PatchBatches.Job, Map<String, Double>> verified = new LinkedHashMap<>();
        if (verifyTop == 0) {
            return verified;
        }
        Set<PatchBatches.Job> chosen = new HashSet<>();
        for (PatchDirection d : exact.directions()) {
            estimates.stream().filter(e -> e.job().direction() == d)
                    .sorted(Comparator.comparingDouble((Estimate e) -> -Math.abs(e.change())))
                    .limit(verifyTop).forEach(e -> chosen.add(e.job()));
        }
        Map<Integer, List<PatchBatches.Job>> byLayer = new TreeMap<>();
        estimates.stream().map(Estimate::job).filter(chosen::contains)
                .forEach(job -> byLayer.computeIfAbsent(job.site().layer(), k -> new ArrayList<>()).add(job));
        exact.patch(model, example, List.of(AnswerMetrics.LOGIT_DIFF), byLayer,
                (job, values, baselines, reading) -> verified.put(job, values));
        return verified;
    }

    /** Each site's first-order change of logit_diff in one layer and direction, by the configured method. */
    private ToDoubleFunction<PatchSite> estimator(HookedTransformer model, NDManager m, PreparedExample example,
                                                  GradientRun runs, int layer, PatchDirection d) {
        String hook = exact.granularity().hook(layer);
        int receiver = d.receiver().ordinal();
        int source = d.source().ordinal();
        int length = example.clean().length;
        int heads = model.config().nHeads();
        return switch (method) {
            case ATP_STAR -> exact.granularity() == PatchGranularity.LAYER_RESID
                    ? ResidualAttribution.of(runs, model.config(), layer, source, receiver)::estimate
                    : QueryKeyAttribution.of(runs, model.config(), layer, exact.granularity() == PatchGranularity.HEAD_K
                    ? QueryKeyAttribution.Side.KEYS : QueryKeyAttribution.Side.QUERIES, source, receiver)::estimate;
            case IG -> perCell(IntegratedGradients.terms(model, m, d.receiver() == Run.CLEAN ? example.clean() : example.corrupt(),
                    hook, runs.activation(hook, receiver), runs.activation(hook, source), example.target(), example.foil(), steps),
                    length, heads);
            case ATP -> perCell(terms(runs, hook, source, receiver), length, heads);
        };
    }

    /** A site's change as the sum of its cells' terms (see {@link #terms}). */
    private static ToDoubleFunction<PatchSite> perCell(double[] terms, int length, int heads) {
        return site -> estimate(terms, site, length, heads);
    }

    /**
     * (source - receiver) * gradient summed over the feature axis, in double: one term per position
     * [pos] for a residual or block output, per position and head [pos * heads + head] for hook_z.
     */
    static double[] terms(GradientRun runs, String hook, int source, int receiver) {
        NDArray delta = runs.activation(hook, source).toType(DataType.FLOAT64, false)
                .sub(runs.activation(hook, receiver).toType(DataType.FLOAT64, false));
        NDArray products = delta.mul(runs.gradient(hook, receiver).toType(DataType.FLOAT64, false));
        return products.sum(new int[] {-1}).toDoubleArray();
    }

    /** A site's first-order change of logit_diff: one term, or a head's terms over every position. */
    static double estimate(double[] terms, PatchSite site, int length, int heads) {
        if (site.head() == PatchSite.ALL) {
            return terms[site.position()];
        }
        if (site.position() != PatchSite.ALL) {
            return terms[site.position() * heads + site.head()];
        }
        double sum = 0;
        for (int p = 0; p < length; p++) {
            sum += terms[p * heads + site.head()];
        }
        return sum;
    }
}

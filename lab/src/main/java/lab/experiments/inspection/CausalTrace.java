package lab.experiments.inspection;

import lab.experiments.ConditionColumn;
import lab.experiments.Experiment;
import lab.experiments.HostArrays;
import lab.experiments.MapAxes;
import lab.experiments.PositionLabels;
import lab.experiments.PreparedExample;
import lab.experiments.ResultSink;
import lab.experiments.RunInputs;
import lab.experiments.TokenSpan;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import lab.experiments.metrics.AnswerMetrics;
import lab.runtime.ForwardResult;
import lab.runtime.HookedTransformer;
import lab.runtime.ModelConfig;
import lab.runtime.RunOptions;

/**
 * Causal tracing (Meng et al. 2022, ROME): Gaussian noise on the subject's token embeddings
 * ({@code hook_embed}, before positions are added) corrupts the prompt; then one (layer,
 * position) at a time gets its clean state back, for three kinds of state: {@code resid_pre}
 * (the residual entering the block), {@code attn_out} and {@code mlp_out} (each restored over a
 * window of layers centred on the layer, as ROME does: layers l - w/2 .. l + w/2 - 1, clipped).
 * Metric {@code indirect_effect}: p(target | corrupted, restored) - p(target | corrupted), both
 * with the same noise, averaged over {@code samples} noise draws.
 *
 * <p>Parameters: {@code noise} (default 3: a multiple of the population standard deviation of the
 * token-embedding values, {@code hook_embed} without positions, over every token of every clean
 * prompt in the corpus file as the run tokenizes it, BOS included when {@code model.prepend_bos};
 * ROME's own takes it over the subject strings' tokens only; each row carries it as
 * {@code embedding_std}),
 * {@code samples} (default 10), {@code window} (default 10, capped by the model's depth),
 * {@code noise_seed} (default 0; the noise of an example depends only on it and the example's
 * id), {@code positions}: "tokens" (each position; labelled by its tokens) or "subject" (ROME's
 * averaged view: each position's effect averaged within its role: subject first, middle, last,
 * first after the subject, further tokens, last token; positions before the subject are left
 * out), {@code batch_size} (rows per forward, default 128).
 */
public final class CausalTrace implements Experiment {

    public static final String TYPE = "causal_trace";
    public static final String INDIRECT_EFFECT = "indirect_effect";
    /** The baseline every row carries: the embeddings' standard deviation that scales the noise. */
    public static final String EMBEDDING_STD = "embedding_std";
    static final List<String> KINDS = List.of("resid_pre", "attn_out", "mlp_out");

    private final double noise;
    private final int samples;
    private final int window;
    private final long noiseSeed;
    private final boolean bySubjectRole;
    private final int batchSize;
    private final PositionLabels positionLabels = new PositionLabels(false);
    private double embeddingStd = Double.NaN;

    public CausalTrace(double noise, int samples, int window, long noiseSeed, boolean bySubjectRole, int batchSize) {
        if (noise < 0 || samples < 1 || window < 1 || batchSize < 1) {
            throw new IllegalArgumentException("experiment.noise must be >= 0 and samples, window and batch_size >= 1;"
                    + " got noise " + noise + ", samples " + samples + ", window " + window + ", batch_size " + batchSize);
        }
        this.noise = noise;
        this.samples = samples;
        this.window = window;
        this.noiseSeed = noiseSeed;
        this.bySubjectRole = bySubjectRole;
        this.batchSize = batchSize;
    }

    public static CausalTrace fromParams(JsonNode params) {
        String positions = params.path("positions").asText("tokens");
        if (!positions.equals("tokens") && !positions.equals("subject")) {
            throw new IllegalArgumentException("experiment.positions is '" + positions + "'; use \"tokens\" or \"subject\"");
        }
        return new CausalTrace(params.path("noise").asDouble(3.0), params.path("samples").asInt(10),
                params.path("window").asInt(10), params.path("noise_seed").asLong(0), positions.equals("subject"),
                params.path("batch_size").asInt(128));
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<ConditionColumn> conditionColumns() {
        return List.of(ConditionColumn.text("kind"), ConditionColumn.integer("layer"), ConditionColumn.integer("position"));
    }

    @Override
    public List<MapAxes> maps() {
        MapAxes axes = new MapAxes("layer", "position", List.of("kind"));
        return List.of(axes.labelled("position", bySubjectRole ? SubjectRoles.labels() : positionLabels.labels()));
    }

    @Override
    public List<String> supportedMetrics() {
        return List.of(INDIRECT_EFFECT);
    }

    @Override
    public List<String> baselines() {
        return List.of(AnswerMetrics.CLEAN_LOGIT_DIFF, EMBEDDING_STD);
    }

    @Override
    public void check(ModelConfig model) {
        // any model with token embeddings: nothing to check
    }

    /** The noise's scale as measured: the token embeddings' standard deviation over the corpus's clean prompts (NaN before it is measured). */
    public double embeddingStd() {
        return embeddingStd;
    }

    /**
     * Checks the run's examples for subjects; the noise scale comes from every token of every clean
     * prompt of the corpus file (BOS included when prepended), not from the subjects' tokens alone as ROME's does.
     */
    @Override
    public void prepare(HookedTransformer model, RunInputs inputs) {
        checkSubjects(inputs.examples());
        embeddingStd = embeddingStd(model, inputs.corpusPrompts());
    }

    /** For a trace run without {@link #prepare}: the noise scale from the examples' own clean prompts. */
    public void measureNoiseScale(HookedTransformer model, List<PreparedExample> examples) {
        checkSubjects(examples);
        embeddingStd = embeddingStd(model, examples.stream().map(PreparedExample::clean).toList());
    }

    private static void checkSubjects(List<PreparedExample> examples) {
        for (PreparedExample ex : examples) {
            if (ex.subject() == null) {
                throw new IllegalArgumentException("causal_trace needs a subject on every corpus item; item '" + ex.id()
                        + "' has none: add \"subject\": \"...\" (words of its clean prompt) to it");
            }
        }
    }

    /** The standard deviation over every element of hook_embed of these prompts (each token's embedding row). */
    private static double embeddingStd(HookedTransformer model, List<long[]> prompts) {
        float[] table = HostArrays.floats(model.weights().require("embed.W_E"));
        int d = model.config().dModel();
        double sum = 0;
        double sq = 0;
        long n = 0;
        for (long[] prompt : prompts) {
            for (long id : prompt) {
                for (int i = 0; i < d; i++) {
                    double v = table[(int) id * d + i];
                    sum += v;
                    sq += v * v;
                    n++;
                }
            }
        }
        double mean = sum / n;
        return Math.sqrt(Math.max(0, sq / n - mean * mean));
    }

    @Override
    public void run(HookedTransformer model, PreparedExample example, List<String> metrics, ResultSink sink) {
        if (Double.isNaN(embeddingStd)) {
            measureNoiseScale(model, List.of(example));
        }
        long[] ids = example.clean();
        positionLabels.record(model, ids);
        int layers = model.config().nLayers();
        List<String[]> conditions = new ArrayList<>();
        List<NoisedRuns.Restoration> restorations = new ArrayList<>();
        for (String kind : KINDS) {
            for (int l = 0; l < layers; l++) {
                for (int p = 0; p < ids.length; p++) {
                    conditions.add(new String[] {kind, String.valueOf(l), String.valueOf(p)});
                    restorations.add(new NoisedRuns.Restoration(hookPoints(kind, l, layers), new int[] {p}));
                }
            }
        }
        double[] effect = new double[conditions.size()];
        try (NDManager m = NDManager.newBaseManager(model.device())) {
            ForwardResult clean = model.run(m, model.tokens(m, ids), RunOptions.defaults()
                    .caching(Pattern.compile("blocks\\.\\d+\\.(hook_resid_pre|hook_attn_out|hook_mlp_out)")).unembedOnly(-1));
            double cleanLogitDiff = new AnswerMetrics(HostArrays.floats(clean.output()), example.target(), example.foil())
                    .cleanLogitDiff();
            SplittableRandom rng = new SplittableRandom(noiseSeed ^ example.id().hashCode() * 0x9E3779B97F4A7C15L);
            for (int s = 0; s < samples; s++) {
                float[] draw = noise(rng, ids.length, model.config().dModel(), example.subject());
                double corrupted = NoisedRuns.targetProbabilities(model, m, ids, draw, example.target(), clean.cache(),
                        List.of(new NoisedRuns.Restoration(Set.of(), new int[0])))[0];
                for (int from = 0; from < restorations.size(); from += batchSize) {
                    int to = Math.min(restorations.size(), from + batchSize);
                    double[] p = NoisedRuns.targetProbabilities(model, m, ids, draw, example.target(), clean.cache(),
                            restorations.subList(from, to));
                    for (int r = from; r < to; r++) {
                        effect[r] += (p[r - from] - corrupted) / samples;
                    }
                }
            }
            report(conditions, effect, example, ids.length, cleanLogitDiff, sink);
        }
    }

    private void report(List<String[]> conditions, double[] effect, PreparedExample example, int length,
                        double cleanLogitDiff, ResultSink sink) {
        Map<List<Object>, double[]> byCell = new LinkedHashMap<>();
        for (int r = 0; r < conditions.size(); r++) {
            String[] c = conditions.get(r);
            int position = Integer.parseInt(c[2]);
            int column = bySubjectRole ? SubjectRoles.of(position, example.subject(), length) : position;
            if (column < 0) {
                continue;
            }
            double[] acc = byCell.computeIfAbsent(List.of(c[0], Integer.parseInt(c[1]), column), k -> new double[2]);
            acc[0] += effect[r];
            acc[1]++;
        }
        byCell.forEach((cell, acc) -> {
            Map<String, Object> condition = new LinkedHashMap<>();
            condition.put("kind", cell.get(0));
            condition.put("layer", cell.get(1));
            condition.put("position", cell.get(2));
            sink.accept(condition, Map.of(INDIRECT_EFFECT, acc[0] / acc[1]), Map.of(AnswerMetrics.CLEAN_LOGIT_DIFF, cleanLogitDiff,
                    EMBEDDING_STD, embeddingStd));
        });
    }

    /** What restoring {@code kind} at {@code layer} puts back: one residual, or a window of layers' outputs. */
    Set<String> hookPoints(String kind, int layer, int layers) {
        if (kind.equals("resid_pre")) {
            return Set.of("blocks." + layer + ".hook_resid_pre");
        }
        int w = Math.min(window, layers);
        Set<String> points = new java.util.TreeSet<>();
        for (int l = Math.max(0, layer - w / 2); l < Math.min(layers, layer + (w + 1) / 2); l++) {
            points.add("blocks." + l + ".hook_" + kind);
        }
        return points;
    }

    /** Gaussian noise of scale noise x std on the subject's positions, zero elsewhere: [length, d]. */
    private float[] noise(SplittableRandom rng, int length, int d, TokenSpan subject) {
        float[] out = new float[length * d];
        for (int p = subject.start(); p < subject.end(); p++) {
            for (int i = 0; i < d; i++) {
                out[p * d + i] = (float) (rng.nextGaussian() * noise * embeddingStd);
            }
        }
        return out;
    }
}

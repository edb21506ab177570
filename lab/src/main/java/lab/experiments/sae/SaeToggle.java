package lab.experiments.sae;

import lab.experiments.RunInputs;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.experiments.ConditionColumn;
import lab.experiments.Experiment;
import lab.experiments.MapAxes;
import lab.experiments.PreparedExample;
import lab.experiments.ResultSink;
import lab.experiments.metrics.AnswerMetrics;
import lab.experiments.metrics.AnswerReading;
import lab.runtime.ForwardResult;
import lab.runtime.Hook;
import lab.runtime.HookedTransformer;
import lab.runtime.ModelConfig;
import lab.runtime.RunOptions;
import lab.runtime.components.Ops;
import lab.sae.HookActivations;
import lab.sae.SaeFolder;
import lab.sae.SaeSplice;
import lab.sae.SparseAutoencoder;

/**
 * Splices an SAE in at its hook (reconstruction plus the error term unless {@code error_term} is
 * false) and zeroes, scales or clamps one feature at a time: each listed feature, or the
 * {@code top_k} features of highest mean activation over the run's examples. One condition per
 * feature and value, all conditions of an example in batched forwards (one row each).
 *
 * <p>Parameters: {@code sae} (SAE folder), {@code features} (list) or {@code top_k}, {@code mode}
 * ("zero", "scale" or "clamp"), {@code values} (scale factors or clamp values; not for zero),
 * {@code error_term} (default true), {@code exclude_bos} (default true), {@code batch_size}.
 */
public final class SaeToggle implements Experiment {

    public static final String TYPE = "sae_toggle";

    /** What happens to the chosen feature's activation f: zero: 0; scale: f * value; clamp: value. */
    enum Mode { ZERO, SCALE, CLAMP }

    private final Path saeDir;
    private final List<Integer> listed;
    private final int topK;
    private final Mode mode;
    private final double[] values;
    private final boolean errorTerm;
    private final boolean excludeBos;
    private final int batchSize;
    // held for the experiment's lifetime: a manager nothing references can be collected, and its
    // arrays freed, while the SAE is still in use
    private NDManager saeManager;
    private SparseAutoencoder sae;
    private List<Integer> features;

    SaeToggle(Path saeDir, List<Integer> listed, int topK, Mode mode, double[] values, boolean errorTerm, boolean excludeBos,
              int batchSize) {
        this.saeDir = saeDir;
        this.listed = listed;
        this.topK = topK;
        this.mode = mode;
        this.values = values;
        this.errorTerm = errorTerm;
        this.excludeBos = excludeBos;
        this.batchSize = batchSize;
    }

    public static SaeToggle fromParams(JsonNode p) {
        if (!p.hasNonNull("sae")) {
            throw new IllegalArgumentException("experiment.sae is missing: give the SAE folder (cfg.json, sae_weights.safetensors)");
        }
        List<Integer> listed = null;
        if (p.hasNonNull("features") == p.hasNonNull("top_k")) {
            throw new IllegalArgumentException("give exactly one of experiment.features (a list of feature indices) and"
                    + " experiment.top_k (the k features of highest mean activation on the data)");
        }
        if (p.hasNonNull("features")) {
            listed = new ArrayList<>();
            for (JsonNode f : p.get("features")) {
                listed.add(f.asInt());
            }
        }
        Mode mode = Mode.valueOf(p.path("mode").asText("zero").toUpperCase(java.util.Locale.ROOT));
        double[] values;
        if (mode == Mode.ZERO) {
            if (p.hasNonNull("values")) {
                throw new IllegalArgumentException("experiment.values is set but mode is zero; remove it or use mode scale or clamp");
            }
            values = new double[] {0.0};
        } else {
            if (!p.path("values").isArray() || p.path("values").isEmpty()) {
                throw new IllegalArgumentException("experiment.values is missing: mode " + mode.name().toLowerCase(java.util.Locale.ROOT)
                        + " needs a list of numbers, e.g. [0.0, 2.0, 5.0]");
            }
            values = new double[p.get("values").size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = p.get("values").get(i).asDouble();
            }
        }
        Path dir = Path.of(p.get("sae").asText());
        SaeFolder.readConfig(dir);
        return new SaeToggle(dir, listed, p.path("top_k").asInt(0), mode, values, p.path("error_term").asBoolean(true),
                p.path("exclude_bos").asBoolean(true), p.path("batch_size").asInt(64));
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public boolean reportsAnswerReadings() {
        return true;
    }

    @Override
    public List<ConditionColumn> conditionColumns() {
        return List.of(ConditionColumn.integer("feature"), ConditionColumn.number("value"));
    }

    @Override
    public List<MapAxes> maps() {
        return List.of(new MapAxes("feature", "value", List.of()));
    }

    @Override
    public List<MapAxes> exampleMaps() {
        return List.of(new MapAxes("feature", "example", List.of("value")));
    }

    @Override
    public void check(ModelConfig model) {
        new lab.runtime.HookNames(model).requireKnown(SaeFolder.readConfig(saeDir).hookName());
    }

    @Override
    public List<Path> inputFiles() {
        return List.of(saeDir);
    }

    @Override
    public void prepare(HookedTransformer model, lab.experiments.RunInputs inputs) {
        chooseFeatures(model, inputs.examples());
    }

    /** Loads the SAE, checks it fits the model, and picks the features (the top k by mean activation over {@code examples}). */
    public void chooseFeatures(HookedTransformer model, List<PreparedExample> examples) {
        saeManager = NDManager.newBaseManager(model.device());
        sae = SaeFolder.read(saeManager, saeDir);
        String hook = sae.config().hookName();
        HookActivations acts = new HookActivations(model, hook);
        if (acts.dIn() != sae.config().dIn()) {
            throw new IllegalArgumentException(saeDir + ": the SAE's d_in is " + sae.config().dIn() + " but " + hook
                    + " of this model has " + acts.dIn() + " values per token; use an SAE trained on this model's hook");
        }
        if (listed != null) {
            for (int f : listed) {
                if (f < 0 || f >= sae.config().dSae()) {
                    throw new IllegalArgumentException("experiment.features names feature " + f + " but the SAE has d_sae "
                            + sae.config().dSae() + " (0.." + (sae.config().dSae() - 1) + ")");
                }
            }
            features = List.copyOf(listed);
        } else {
            features = mostActive(examples, acts);
        }
    }

    /** The top_k features by mean activation over every token of the examples (ties: lower index first). */
    private List<Integer> mostActive(List<PreparedExample> examples, HookActivations acts) {
        double[] sum = new double[sae.config().dSae()];
        try (NDManager m = NDManager.newBaseManager(sae.parameters().get(SparseAutoencoder.W_ENC).getDevice())) {
            for (PreparedExample ex : examples) {
                float[][] rows = acts.of(ex.clean(), excludeBos);
                float[] flat = new float[rows.length * acts.dIn()];
                for (int r = 0; r < rows.length; r++) {
                    System.arraycopy(rows[r], 0, flat, r * acts.dIn(), acts.dIn());
                }
                float[] f = sae.encode(m.create(flat, new Shape(rows.length, acts.dIn()))).sum(new int[] {0}).toFloatArray();
                for (int j = 0; j < sum.length; j++) {
                    sum[j] += f[j];
                }
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int j = 0; j < sum.length; j++) {
            order.add(j);
        }
        order.sort((a, b) -> sum[a] != sum[b] ? Double.compare(sum[b], sum[a]) : Integer.compare(a, b));
        return List.copyOf(order.subList(0, Math.min(topK, order.size())));
    }

    /** The features toggled, once {@link #chooseFeatures} has run. */
    public List<Integer> features() {
        return features;
    }

    @Override
    public void run(HookedTransformer model, PreparedExample example, List<String> metrics, ResultSink sink) {
        if (sae == null) {
            throw new IllegalStateException("sae_toggle: prepare() must run before run()");
        }
        List<double[]> conditions = new ArrayList<>();
        for (int f : features) {
            for (double v : values) {
                conditions.add(new double[] {f, v});
            }
        }
        try (NDManager m = NDManager.newBaseManager(model.device())) {
            float[] clean;
            try (ForwardResult r = model.run(m, model.tokens(m, example.clean()), RunOptions.defaults().unembedOnly(-1))) {
                clean = r.output().toFloatArray();
            }
            AnswerMetrics answer = new AnswerMetrics(clean, example.target(), example.foil());
            Map<String, Double> baselines = Map.of(AnswerMetrics.CLEAN_LOGIT_DIFF, answer.cleanLogitDiff());
            for (int from = 0; from < conditions.size(); from += batchSize) {
                List<double[]> chunk = conditions.subList(from, Math.min(conditions.size(), from + batchSize));
                runChunk(model, m, example, chunk, answer, metrics, baselines, sink);
            }
        }
    }

    private void runChunk(HookedTransformer model, NDManager m, PreparedExample example, List<double[]> chunk,
                          AnswerMetrics answer, List<String> metrics, Map<String, Double> baselines, ResultSink sink) {
        int dSae = sae.config().dSae();
        // f' = f * keep + set, per row: the row's feature kept (scale), dropped (zero) or replaced (clamp)
        float[] keep = new float[chunk.size() * dSae];
        float[] set = new float[chunk.size() * dSae];
        java.util.Arrays.fill(keep, 1f);
        for (int r = 0; r < chunk.size(); r++) {
            int at = r * dSae + (int) chunk.get(r)[0];
            float v = (float) chunk.get(r)[1];
            keep[at] = mode == Mode.SCALE ? v : 0f;
            set[at] = mode == Mode.CLAMP ? v : 0f;
        }
        Shape perRow = new Shape(chunk.size(), 1, dSae);
        NDArray keepArray = Ops.owned(m, keep, perRow);
        NDArray setArray = Ops.owned(m, set, perRow);
        long[][] rows = new long[chunk.size()][];
        java.util.Arrays.fill(rows, example.clean());
        Hook hook = Hook.replacing(sae.config().hookName(), SaeSplice.replacing(sae, errorTerm, excludeBos,
                f -> f.mul(keepArray).add(setArray)));
        try (ForwardResult r = model.run(m, model.tokens(m, rows), RunOptions.defaults().withHooks(hook).unembedOnly(-1))) {
            float[] all = r.output().toFloatArray();
            int vocab = model.config().vocabSize();
            for (int row = 0; row < chunk.size(); row++) {
                float[] logits = java.util.Arrays.copyOfRange(all, row * vocab, (row + 1) * vocab);
                Map<String, Object> condition = new LinkedHashMap<>();
                condition.put("feature", (int) chunk.get(row)[0]);
                condition.put("value", chunk.get(row)[1]);
                AnswerReading reading = AnswerReading.ofTokens(logits, example.target(), example.foil());
                sink.accept(condition, answer.values(metrics, reading), baselines, reading);
            }
        }
    }
}

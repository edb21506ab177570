package lab.harness.run;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import lab.experiments.sae.SaeTraining;
import lab.experiments.sae.TextStream;
import lab.io.AtomicFiles;
import lab.runtime.loading.SafetensorsFile;
import lab.sae.ActivationBuffer;
import lab.sae.SaeStepStats;
import lab.sae.SaeTrainer;

/**
 * An sae_train run's resumable training state, {@code sae_train_state.safetensors} in the run
 * directory, replaced whole (one atomic rename) at every checkpoint: the trainable parameters as
 * trained ({@code param.*}; the SAELens folder {@code sae/} folds the decoder norms into the
 * encoder for topk, this file does not), Adam's moments ({@code adam.m.*}, {@code adam.v.*}), each
 * feature's firing count and last firing ({@code firings}, {@code last_fired_at}), the shuffled
 * buffer's rows ({@code buffer_rows}), the step series so far ({@code steps}, float64, one row per
 * step in {@link SaeStepStats} order), and {@code state_json}: UTF-8 JSON with the step (the
 * schedule position), the token counts, the text stream's epoch, order and position, both Randoms'
 * exact states (base64) and the time spent. One file, so no crash leaves the parts of two steps.
 */
final class SaeTrainingStateFile {

    static final String FILE = "sae_train_state.safetensors";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PARAM = "param.";
    private static final String ADAM_M = "adam.m.";
    private static final String ADAM_V = "adam.v.";
    /** One column per {@link SaeStepStats} component, in its order (SaeTrainingStateFileTest holds them equal). */
    static final int STEP_COLUMNS = 10;

    /** What a checkpoint left: the loop's state and the step rows up to it. */
    record Saved(SaeTraining.State state, List<SaeStepStats> steps) {
        long step() {
            return state.trainer().step();
        }
    }

    private SaeTrainingStateFile() {
    }

    static void write(Path runDir, SaeTraining.State state, List<SaeStepStats> steps) throws IOException {
        SaeTrainer.State t = state.trainer();
        if (steps.size() != t.step()) {
            throw new IllegalStateException("a checkpoint at step " + t.step() + " with " + steps.size() + " step rows");
        }
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            Map<String, NDArray> out = new LinkedHashMap<>();
            state.parameters().forEach((name, a) -> out.put(PARAM + name, copy(m, a)));
            t.adamFirst().forEach((name, a) -> out.put(ADAM_M + name, copy(m, a)));
            t.adamSecond().forEach((name, a) -> out.put(ADAM_V + name, copy(m, a)));
            out.put("firings", m.create(t.firings()));
            out.put("last_fired_at", m.create(t.lastFiredAt()));
            if (state.buffer().rows().length > 0) {
                out.put("buffer_rows", m.create(state.buffer().rows()));
            }
            if (!steps.isEmpty()) {
                double[] rows = new double[steps.size() * STEP_COLUMNS];
                for (int i = 0; i < steps.size(); i++) {
                    System.arraycopy(columns(steps.get(i)), 0, rows, i * STEP_COLUMNS, STEP_COLUMNS);
                }
                out.put("steps", m.create(rows, new Shape(steps.size(), STEP_COLUMNS)));
            }
            out.put("state_json", m.create(JSON.writeValueAsBytes(json(state))));
            NDList list = new NDList();
            out.forEach((name, a) -> {
                a.setName(name);
                list.add(a);
            });
            AtomicFiles.write(runDir.resolve(FILE), o -> list.encode(o, NDList.Encoding.SAFETENSORS));
        }
    }

    private static NDArray copy(NDManager m, NDArray a) {
        return m.create(a.toFloatArray(), a.getShape());
    }

    private static ObjectNode json(SaeTraining.State state) {
        SaeTrainer.State t = state.trainer();
        TextStream.State s = state.stream();
        ObjectNode n = JSON.createObjectNode();
        n.put("step", t.step());
        n.put("tokens", t.tokens());
        n.put("model_tokens", s.modelTokens());
        n.put("epoch", s.epoch());
        n.put("next_text", s.next());
        var order = n.putArray("text_order");
        for (int i : s.order()) {
            order.add(i);
        }
        n.put("text_order_random", Base64.getEncoder().encodeToString(s.random()));
        n.put("buffer_random", Base64.getEncoder().encodeToString(state.buffer().random()));
        n.put("buffer_exhausted", state.buffer().exhausted());
        n.put("seconds", state.seconds());
        n.put("sae_seconds", state.saeSeconds());
        return n;
    }

    static double[] columns(SaeStepStats s) {
        return new double[] {s.step(), s.lr(), s.mse(), s.explainedVariance(), s.l0(), s.l1(), s.loss(), s.auxLoss(),
            s.deadFeatures(), s.tokens()};
    }

    static SaeStepStats row(double[] c, int at) {
        return new SaeStepStats((long) c[at], c[at + 1], c[at + 2], c[at + 3], c[at + 4], c[at + 5], c[at + 6], c[at + 7],
                (int) c[at + 8], (long) c[at + 9]);
    }

    /**
     * The state in {@code runDir}, its arrays in {@code manager} (CPU), all of it checked (see
     * {@link SaeTrainingStateCheck}) before a resume writes anything.
     *
     * @param configDSae the run's config's d_sae, which the saved SAE must have (empty: not checked)
     * @throws IllegalArgumentException when there is none (killed before its first checkpoint) or it cannot be read
     */
    static Saved read(Path runDir, NDManager manager, OptionalInt configDSae) {
        Path file = runDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(runDir + " has no " + FILE + " (it stopped before its first checkpoint,"
                    + " or checkpoint_every is 0): nothing to resume, start it again with scripts/harness run "
                    + runDir.resolve("config.json"));
        }
        try (NDManager scratch = manager.newSubManager()) {
            Map<String, NDArray> all = SafetensorsFile.read(scratch, file);
            NDArray stateJson = SaeTrainingStateCheck.tensor(all, "state_json");
            if (stateJson.getShape().dimension() != 1 || stateJson.getDataType().getNumOfBytes() != 1) {
                throw new IllegalArgumentException("tensor 'state_json' is " + stateJson.getDataType() + " "
                        + stateJson.getShape() + ", not bytes of JSON");
            }
            JsonNode n = JSON.readTree(new String(stateJson.toByteArray(), StandardCharsets.UTF_8));
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException("state_json is not a JSON object");
            }
            return parse(all, n, manager, configDSae);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(file + " cannot be read (" + e.getMessage() + "); start the run again"
                    + " with scripts/harness run " + runDir.resolve("config.json"), e);
        }
    }

    /** Everything checked first, then the arrays the resume keeps copied into {@code manager}. */
    private static Saved parse(Map<String, NDArray> all, JsonNode n, NDManager manager, OptionalInt configDSae) {
        SaeTrainingStateCheck.onlyKnownTensors(all.keySet(),
                Set.of("firings", "last_fired_at", "buffer_rows", "steps", "state_json"), PARAM, ADAM_M, ADAM_V);
        SaeTrainingStateCheck.Dims dims = SaeTrainingStateCheck.parameters(all, PARAM, configDSae);
        SaeTrainingStateCheck.moments(all, PARAM, ADAM_M);
        SaeTrainingStateCheck.moments(all, PARAM, ADAM_V);

        long step = SaeTrainingStateCheck.integer(n, "step", 1);
        long tokens = SaeTrainingStateCheck.integer(n, "tokens", 0);
        long modelTokens = SaeTrainingStateCheck.integer(n, "model_tokens", 0);
        int epoch = SaeTrainingStateCheck.smallInteger(n, "epoch", -1);
        // the text count is the corpus's, known only once the model has prepared it (TextStream checks the order
        // against it); here the order is at least a whole epoch's permutation, and the position inside it
        int[] order = SaeTrainingStateCheck.permutation(n, "text_order");
        int next = SaeTrainingStateCheck.smallInteger(n, "next_text", 0);
        if ((epoch == -1) != (order.length == 0)) {
            throw new IllegalArgumentException("state_json has 'epoch': " + epoch + " with a text_order of " + order.length
                    + " (an epoch in progress has its order, none started has none)");
        }
        if (next > order.length) {
            throw new IllegalArgumentException("state_json has 'next_text': " + next + " past the end of its text_order of "
                    + order.length);
        }
        byte[] orderRandom = SaeTrainingStateCheck.random(n, "text_order_random");
        byte[] bufferRandom = SaeTrainingStateCheck.random(n, "buffer_random");
        boolean exhausted = SaeTrainingStateCheck.bool(n, "buffer_exhausted");
        double seconds = SaeTrainingStateCheck.seconds(n, "seconds");
        double saeSeconds = SaeTrainingStateCheck.seconds(n, "sae_seconds");

        long[] firings = SaeTrainingStateCheck.within(
                SaeTrainingStateCheck.typed(all, "firings", DataType.INT64, dims.dSae()).toLongArray(), 0, tokens, "firings");
        long[] lastFiredAt = SaeTrainingStateCheck.within(
                SaeTrainingStateCheck.typed(all, "last_fired_at", DataType.INT64, dims.dSae()).toLongArray(), 0, tokens,
                "last_fired_at");
        float[] bufferRows = new float[0];
        if (all.containsKey("buffer_rows")) {
            NDArray b = all.get("buffer_rows");
            if (b.getDataType() != DataType.FLOAT32 || b.getShape().dimension() != 1 || b.size() % dims.dIn() != 0) {
                throw new IllegalArgumentException("tensor 'buffer_rows' is " + b.getDataType() + " " + b.getShape()
                        + ", not float32 rows of d_in " + dims.dIn());
            }
            bufferRows = b.toFloatArray();
        }
        List<SaeStepStats> steps = steps(all, step, tokens);

        Map<String, NDArray> params = new LinkedHashMap<>();
        Map<String, NDArray> first = new LinkedHashMap<>();
        Map<String, NDArray> second = new LinkedHashMap<>();
        for (String name : SaeTrainingStateCheck.PARAMETERS) {
            params.put(name, owned(manager, all.get(PARAM + name)));
            first.put(name, owned(manager, all.get(ADAM_M + name)));
            second.put(name, owned(manager, all.get(ADAM_V + name)));
        }
        SaeTrainer.State trainer = new SaeTrainer.State(step, tokens, firings, lastFiredAt, first, second);
        ActivationBuffer.State buffer = new ActivationBuffer.State(bufferRows, bufferRandom, exhausted);
        TextStream.State stream = new TextStream.State(epoch, order, next, orderRandom, modelTokens);
        return new Saved(new SaeTraining.State(params, trainer, buffer, stream, seconds, saeSeconds), steps);
    }

    /** The step rows: one per step so far, the i-th of step i + 1, the last at the state's token count. */
    private static List<SaeStepStats> steps(Map<String, NDArray> all, long step, long tokens) {
        double[] c = SaeTrainingStateCheck.typed(all, "steps", DataType.FLOAT64, step, STEP_COLUMNS).toDoubleArray();
        List<SaeStepStats> steps = new ArrayList<>();
        for (int at = 0; at < c.length; at += STEP_COLUMNS) {
            SaeStepStats row = row(c, at);
            if (row.step() != steps.size() + 1) {
                throw new IllegalArgumentException("step row " + steps.size() + " is of step " + c[at] + ", not "
                        + (steps.size() + 1));
            }
            steps.add(row);
        }
        if (steps.get(steps.size() - 1).tokens() != tokens) {
            throw new IllegalArgumentException("the last step row counts " + c[c.length - 1] + " tokens but state_json "
                    + tokens);
        }
        return steps;
    }

    /** A copy with storage of its own (decoded arrays may sit over the reader's buffer), in {@code manager}. */
    private static NDArray owned(NDManager manager, NDArray a) {
        NDArray own = a.duplicate();
        own.attach(manager);
        return own;
    }
}

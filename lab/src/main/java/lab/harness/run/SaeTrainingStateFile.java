package lab.harness.run;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
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
    private static final int STEP_COLUMNS = 10;

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

    private static double[] columns(SaeStepStats s) {
        return new double[] {s.step(), s.lr(), s.mse(), s.explainedVariance(), s.l0(), s.l1(), s.loss(), s.auxLoss(),
            s.deadFeatures(), s.tokens()};
    }

    private static SaeStepStats row(double[] c, int at) {
        return new SaeStepStats((long) c[at], c[at + 1], c[at + 2], c[at + 3], c[at + 4], c[at + 5], c[at + 6], c[at + 7],
                (int) c[at + 8], (long) c[at + 9]);
    }

    /**
     * The state in {@code runDir}, its arrays in {@code manager} (CPU).
     *
     * @throws IllegalArgumentException when there is none (killed before its first checkpoint) or it cannot be read
     */
    static Saved read(Path runDir, NDManager manager) {
        Path file = runDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(runDir + " has no " + FILE + " (it stopped before its first checkpoint,"
                    + " or checkpoint_every is 0): nothing to resume, start it again with scripts/harness run "
                    + runDir.resolve("config.json"));
        }
        try (NDManager scratch = manager.newSubManager()) {
            Map<String, NDArray> all = SafetensorsFile.read(scratch, file);
            JsonNode n = JSON.readTree(new String(require(all, "state_json").toByteArray(), StandardCharsets.UTF_8));
            return parse(all, n, manager);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(file + " cannot be read (" + e.getMessage() + "); start the run again"
                    + " with scripts/harness run " + runDir.resolve("config.json"), e);
        }
    }

    private static Saved parse(Map<String, NDArray> all, JsonNode n, NDManager manager) {
        Map<String, NDArray> params = new LinkedHashMap<>();
        Map<String, NDArray> first = new LinkedHashMap<>();
        Map<String, NDArray> second = new LinkedHashMap<>();
        all.forEach((name, a) -> {
            if (name.startsWith(PARAM)) {
                params.put(name.substring(PARAM.length()), owned(manager, a));
            } else if (name.startsWith(ADAM_M)) {
                first.put(name.substring(ADAM_M.length()), owned(manager, a));
            } else if (name.startsWith(ADAM_V)) {
                second.put(name.substring(ADAM_V.length()), owned(manager, a));
            }
        });
        if (params.isEmpty() || !params.keySet().equals(first.keySet()) || !params.keySet().equals(second.keySet())) {
            throw new IllegalArgumentException("parameters " + params.keySet() + ", moments " + first.keySet() + " and "
                    + second.keySet());
        }
        long step = n.path("step").asLong(-1);
        List<SaeStepStats> steps = new ArrayList<>();
        if (all.containsKey("steps")) {
            double[] c = all.get("steps").toDoubleArray();
            for (int at = 0; at < c.length; at += STEP_COLUMNS) {
                steps.add(row(c, at));
            }
        }
        if (step < 1 || steps.size() != step) {
            throw new IllegalArgumentException("step " + step + " with " + steps.size() + " step rows");
        }
        int[] order = new int[n.path("text_order").size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = n.path("text_order").get(i).asInt();
        }
        Base64.Decoder b64 = Base64.getDecoder();
        SaeTrainer.State trainer = new SaeTrainer.State(step, n.path("tokens").asLong(), require(all, "firings").toLongArray(),
                require(all, "last_fired_at").toLongArray(), first, second);
        ActivationBuffer.State buffer = new ActivationBuffer.State(
                all.containsKey("buffer_rows") ? all.get("buffer_rows").toFloatArray() : new float[0],
                b64.decode(n.path("buffer_random").asText()), n.path("buffer_exhausted").asBoolean());
        TextStream.State stream = new TextStream.State(n.path("epoch").asInt(), order, n.path("next_text").asInt(),
                b64.decode(n.path("text_order_random").asText()), n.path("model_tokens").asLong());
        return new Saved(new SaeTraining.State(params, trainer, buffer, stream, n.path("seconds").asDouble(),
                n.path("sae_seconds").asDouble()), steps);
    }

    private static NDArray require(Map<String, NDArray> all, String name) {
        NDArray a = all.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no tensor '" + name + "'");
        }
        return a;
    }

    /** A copy with storage of its own (decoded arrays may sit over the reader's buffer), in {@code manager}. */
    private static NDArray owned(NDManager manager, NDArray a) {
        NDArray own = a.duplicate();
        own.attach(manager);
        return own;
    }
}

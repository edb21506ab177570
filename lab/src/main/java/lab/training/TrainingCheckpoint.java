package lab.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import lab.io.AtomicFiles;

/**
 * A resumable training state in a run folder: {@code checkpoint.safetensors} (weights under
 * runtime names, AdamW moments under {@code adam.m.NAME} / {@code adam.v.NAME}) and
 * {@code checkpoint.json} (step, the config it belongs to, the running data hash, time spent).
 * Each file is written atomically, tensors first; both carry the step, so a crash between the two
 * renames is detected on resume rather than mixing two steps.
 *
 * @param step steps completed
 * @param dataSha256 hash chain over every batch trained on so far
 * @param seconds training time spent so far
 * @param skippedSteps steps whose gradient was not finite and whose update was skipped
 */
public record TrainingCheckpoint(long step, String dataSha256, double seconds, long skippedSteps) {

    static final String TENSORS = "checkpoint.safetensors";
    static final String STATE = "checkpoint.json";
    private static final String STEP_TENSOR = "meta.step";

    /** Saves weights, moments and state; each file atomically, the tensors first. */
    public void save(Path runDir, String resumeKey, Map<String, NDArray> weights, AdamW adam) throws IOException {
        NDList all = new NDList();
        try (NDManager tmp = weights.values().iterator().next().getManager().newSubManager()) {
            weights.forEach((name, w) -> all.add(named(w, name)));  // runtime names, as the weights carry
            adam.firstMoments().forEach((name, a) -> all.add(named(a, "adam.m." + name)));
            adam.secondMoments().forEach((name, a) -> all.add(named(a, "adam.v." + name)));
            NDArray stepTensor = tmp.create(new long[] {step});
            stepTensor.setName(STEP_TENSOR);
            all.add(stepTensor);
            AtomicFiles.write(runDir.resolve(TENSORS), out -> all.encode(out, NDList.Encoding.SAFETENSORS));
        }
        ObjectNode state = TrainConfig.JSON.createObjectNode();
        state.put("step", step);
        state.put("data_sha256", dataSha256);
        state.put("seconds", seconds);
        state.put("skipped_steps", skippedSteps);
        state.put("resume_key", resumeKey);
        AtomicFiles.writeString(runDir.resolve(STATE), TrainConfig.JSON.writeValueAsString(state) + "\n");
    }

    private static NDArray named(NDArray a, String name) {
        a.setName(name);
        return a;
    }

    /** The checkpoint in {@code runDir}, or null when there is none. */
    public static TrainingCheckpoint read(Path runDir, String resumeKey) {
        Path state = runDir.resolve(STATE);
        if (!Files.isRegularFile(state) || !Files.isRegularFile(runDir.resolve(TENSORS))) {
            return null;
        }
        try {
            JsonNode n = TrainConfig.JSON.readTree(state.toFile());
            if (!resumeKey.equals(n.path("resume_key").asText())) {
                throw new IllegalArgumentException("the checkpoint in " + runDir + " was made with a different training"
                        + " config; delete " + runDir + " or pass --fresh to start over");
            }
            return new TrainingCheckpoint(n.get("step").asLong(), n.get("data_sha256").asText(), n.get("seconds").asDouble(),
                    n.path("skipped_steps").asLong(0));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + state + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the saved tensors into {@code manager} as arrays with storage of their own.
     *
     * @return name to array, including the adam.* moments and meta.step
     */
    public Map<String, NDArray> tensors(Path runDir, NDManager manager) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        try (NDManager staging = manager.newSubManager(); InputStream in = Files.newInputStream(runDir.resolve(TENSORS))) {
            for (NDArray a : NDList.decode(staging, in)) {
                // decoded arrays borrow the stream's direct buffer: copy before the staging scope ends
                NDArray own = a.duplicate();
                own.attach(manager);
                own.setName(a.getName());
                out.put(a.getName(), own);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + runDir.resolve(TENSORS) + ": " + e.getMessage(), e);
        }
        long saved = out.get(STEP_TENSOR).toLongArray()[0];
        if (saved != step) {
            throw new IllegalArgumentException(runDir + ": checkpoint.json says step " + step + " but the tensors are of"
                    + " step " + saved + " (interrupted while saving); delete the run folder or pass --fresh");
        }
        out.remove(STEP_TENSOR).close();
        return out;
    }
}

package lab.harness.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import java.util.function.Consumer;
import lab.runtime.loading.SafetensorsFile;
import lab.sae.SaeStepStats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training state that is damaged or foreign, one way at a time, is refused when read, before a
 * resume writes anything, with one error that names the problem and says to start the run again;
 * through {@code harness run --resume} (ExperimentRunner#resume) status.json, provenance.json and
 * run.log are left byte for byte as they were. The states are a real run's, stopped at its first
 * checkpoint (step 5).
 */
class SaeTrainingStateFileTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long STOP_AT = 5;

    @TempDir
    static Path tmp;

    private static Path run;
    private static NDManager manager;
    /** The stopped run's state, by tensor name; each test damages a copy. */
    private static Map<String, NDArray> pristine;
    private static ObjectNode pristineJson;

    @TempDir
    Path here;

    @BeforeAll
    static void stopARunAtItsFirstCheckpoint() throws Exception {
        SaeResumeTest source = new SaeResumeTest();
        source.tmp = tmp;
        RuntimeException stop = new RuntimeException("stopped");
        Path[] dir = new Path[1];
        assertThrows(RuntimeException.class, () -> new SaeTrainingRunner(Clock.systemUTC(), step -> {
            if (step == STOP_AT) {
                throw stop;
            }
        }).run(source.config("topk"), d -> dir[0] = d));
        run = dir[0];
        SaeResumeTest.markKilled(run);
        manager = NDManager.newBaseManager(Device.cpu());
        pristine = SafetensorsFile.read(manager, run.resolve(SaeTrainingStateFile.FILE));
        pristineJson = (ObjectNode) JSON.readTree(new String(pristine.get("state_json").toByteArray(), StandardCharsets.UTF_8));
        assertTrue(pristine.containsKey("buffer_rows"), "the buffer holds rows at the stop " + pristine.keySet());
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void theUndamagedStateIsReadWhole() throws Exception {
        write(here, tensors -> { });
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            SaeTrainingStateFile.Saved saved = SaeTrainingStateFile.read(here, m, OptionalInt.of(32));
            assertEquals(STOP_AT, saved.step());
            assertEquals(STOP_AT, saved.steps().size());
            assertEquals(32, saved.state().trainer().firings().length);
            assertEquals(pristine.get("param.W_dec").getShape(), saved.state().parameters().get("W_dec").getShape());
            assertArrayEquals(pristine.get("adam.v.W_enc").toFloatArray(), saved.state().trainer().adamSecond().get("W_enc")
                    .toFloatArray());
            assertEquals(pristineJson.get("next_text").asInt(), saved.state().stream().next());
            assertEquals(pristineJson.get("tokens").asLong(), saved.state().trainer().tokens());
            assertEquals(saved.state().trainer().tokens(), saved.steps().get((int) STOP_AT - 1).tokens());
        }
    }

    @Test
    void aStateOfAnotherDSaeThanTheConfigsIsRefused() throws Exception {
        write(here, tensors -> { });
        refused(OptionalInt.of(64), "holds an SAE of d_sae 32 but the run's config has d_sae 64");
    }

    @Test
    void aMissingAdamMomentIsRefused() throws Exception {
        write(here, tensors -> tensors.remove("adam.m.W_enc"));
        refused("no tensor 'adam.m.W_enc'");
    }

    @Test
    void aMomentOfAnotherShapeThanItsParameterIsRefused() throws Exception {
        write(here, tensors -> tensors.put("adam.v.b_dec", manager.zeros(new Shape(3))));
        refused("tensor 'adam.v.b_dec' is float32 (3), not float32 (");
    }

    @Test
    void aDecoderInconsistentWithTheEncoderIsRefused() throws Exception {
        write(here, tensors -> tensors.put("param.W_dec", tensors.get("param.W_enc")));
        long dIn = pristine.get("param.W_enc").getShape().get(0);
        refused("tensor 'param.W_dec' is float32 (" + dIn + ", 32), not float32 (32, " + dIn + ")");
    }

    @Test
    void aForeignTensorIsRefused() throws Exception {
        write(here, tensors -> tensors.put("param.W_gate", manager.zeros(new Shape(2))));
        refused("tensor 'param.W_gate' is not part of a training state");
    }

    @Test
    void aNegativeNextTextIsRefused() throws Exception {
        writeJson(n -> n.put("next_text", -1));
        refused("'next_text': -1, below 0");
    }

    @Test
    void aNextTextPastTheOrderIsRefused() throws Exception {
        int length = pristineJson.get("text_order").size();
        writeJson(n -> n.put("next_text", length + 1));
        refused("'next_text': " + (length + 1) + " past the end of its text_order of " + length);
    }

    @Test
    void anEpochBeforeNoneStartedOrWithoutItsOrderIsRefused() throws Exception {
        writeJson(n -> n.put("epoch", -2));
        refused("state_json has 'epoch': -2, below -1");
        writeJson(n -> n.put("epoch", -1));
        refused("state_json has 'epoch': -1 with a text_order of " + pristineJson.get("text_order").size());
    }

    @Test
    void anOrderThatIsNoPermutationIsRefused() throws Exception {
        writeJson(n -> n.withArray("text_order").set(1, n.get("text_order").get(0)));
        refused("'text_order' is not a permutation of 0.." + (pristineJson.get("text_order").size() - 1) + " (element 1 is");
    }

    @Test
    void aMissingFieldIsRefusedNotDefaulted() throws Exception {
        writeJson(n -> n.remove("epoch"));
        refused("state_json has no 'epoch'");
        writeJson(n -> n.remove("model_tokens"));
        refused("state_json has no 'model_tokens'");
        writeJson(n -> n.put("tokens", "many"));
        refused("state_json has 'tokens': \"many\", not an integer");
    }

    @Test
    void aBufferCutByOneValueIsRefused() throws Exception {
        write(here, tensors -> {
            float[] rows = tensors.get("buffer_rows").toFloatArray();
            tensors.put("buffer_rows", manager.create(Arrays.copyOf(rows, rows.length - 1)));
        });
        long dIn = pristine.get("param.W_enc").getShape().get(0);
        refused("tensor 'buffer_rows' is float32 (" + (pristine.get("buffer_rows").size() - 1) + "), not float32 rows of d_in "
                + dIn);
    }

    @Test
    void firingsOfAnotherLengthThanDSaeAreRefused() throws Exception {
        write(here, tensors -> tensors.put("firings", manager.create(new long[31])));
        refused("tensor 'firings' is int64 (31), not int64 (32)");
    }

    @Test
    void stepRowsShortOfTheStepAreRefused() throws Exception {
        write(here, tensors -> tensors.put("steps", tensors.get("steps").get("0:4")));
        refused("tensor 'steps' is float64 (4, 10), not float64 (5, 10)");
    }

    @Test
    void damagedRandomBytesAreRefused() throws Exception {
        // cut short, and its stream header damaged (a flipped bit inside the seed's own bytes is still a Random: the
        // file has no checksum to tell)
        byte[] bytes = Base64.getDecoder().decode(pristineJson.get("text_order_random").asText());
        writeJson(n -> n.put("text_order_random", Base64.getEncoder().encodeToString(Arrays.copyOf(bytes, bytes.length - 9))));
        refused("state_json 'text_order_random' is not a saved java.util.Random: a saved random state cannot be read"
                + " (java.io.EOFException");
        byte[] header = bytes.clone();
        header[0] ^= 0x5a;
        writeJson(n -> n.put("text_order_random", Base64.getEncoder().encodeToString(header)));
        refused("state_json 'text_order_random' is not a saved java.util.Random: a saved random state cannot be read"
                + " (java.io.StreamCorruptedException: invalid stream header");
        writeJson(n -> n.put("buffer_random", "not base64!"));
        refused("state_json 'buffer_random' is not a saved java.util.Random: Illegal base64 character");
    }

    /** Serialized objects other than a plain Random are refused by the stream's filter, never built. */
    @Test
    void aSerializedMapOrRandomSubclassIsRefused() throws Exception {
        HashMap<String, String> map = new HashMap<>(Map.of("a", "b"));
        writeJson(n -> n.put("buffer_random", serialized(map)));
        refused("state_json 'buffer_random' is not a saved java.util.Random: a saved random state cannot be read"
                + " (java.io.InvalidClassException: filter status: REJECTED)");
        writeJson(n -> n.put("text_order_random", serialized(new CountingRandom())));
        refused("state_json 'text_order_random' is not a saved java.util.Random: a saved random state cannot be read"
                + " (java.io.InvalidClassException: filter status: REJECTED)");
    }

    /** Through the CLI's path: refused before ResumePlan#begin, so nothing of the run is touched. */
    @Test
    void aRefusedResumeWritesNothing() throws Exception {
        Path state = run.resolve(SaeTrainingStateFile.FILE);
        byte[] original = Files.readAllBytes(state);
        String[] kept = {"status.json", "provenance.json", "run.log", SaeStepLog.CSV};
        Map<String, byte[]> before = new LinkedHashMap<>();
        for (String f : kept) {
            before.put(f, Files.readAllBytes(run.resolve(f)));
        }
        try {
            write(run, tensors -> tensors.remove("adam.m.W_enc"));
            var e = assertThrows(IllegalArgumentException.class, () -> new ExperimentRunner(Clock.systemUTC()).resume(run));
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
            assertTrue(e.getMessage().startsWith(state + " cannot be read (no tensor 'adam.m.W_enc'); start the run again with"
                    + " scripts/harness run " + run.resolve("config.json")), e.getMessage());
            for (String f : kept) {
                assertArrayEquals(before.get(f), Files.readAllBytes(run.resolve(f)), f + " as before the refused resume");
            }
        } finally {
            Files.write(state, original);
        }
    }

    @Test
    void everyStepStatsComponentHasItsColumn() {
        assertEquals(SaeStepStats.class.getRecordComponents().length, SaeTrainingStateFile.STEP_COLUMNS,
                "a new SaeStepStats field needs its column in SaeTrainingStateFile, or resumed rows lose it");
        SaeStepStats s = new SaeStepStats(7, 0.5, 0.25, 0.125, 3.5, 2.25, 1.5, 0.75, 9, 224);
        double[] columns = SaeTrainingStateFile.columns(s);
        assertEquals(SaeTrainingStateFile.STEP_COLUMNS, columns.length);
        assertEquals(s, SaeTrainingStateFile.row(columns, 0), "every component back in its place");
    }

    private static final class CountingRandom extends Random implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    private static String serialized(Object o) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    private void refused(String problem) {
        refused(OptionalInt.empty(), problem);
    }

    private void refused(OptionalInt configDSae, String problem) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            var e = assertThrows(IllegalArgumentException.class, () -> SaeTrainingStateFile.read(here, m, configDSae));
            String message = e.getMessage();
            assertEquals(1, message.lines().count(), message);
            assertTrue(message.startsWith(here.resolve(SaeTrainingStateFile.FILE) + " cannot be read ("), message);
            assertTrue(message.contains(problem), message);
            assertTrue(message.endsWith("; start the run again with scripts/harness run " + here.resolve("config.json")),
                    message);
        }
    }

    private void writeJson(Consumer<ObjectNode> damage) throws Exception {
        write(here, tensors -> {
            ObjectNode n = pristineJson.deepCopy();
            damage.accept(n);
            tensors.put("state_json", manager.create(n.toString().getBytes(StandardCharsets.UTF_8)));
        });
    }

    /** The pristine state with {@code damage} done, written as the state file of {@code dir}. */
    private static void write(Path dir, Consumer<Map<String, NDArray>> damage) throws Exception {
        Map<String, NDArray> tensors = new LinkedHashMap<>(pristine);
        damage.accept(tensors);
        NDList list = new NDList();
        tensors.forEach((name, a) -> {
            NDArray own = a.duplicate();
            own.setName(name);
            list.add(own);
        });
        try (OutputStream out = Files.newOutputStream(dir.resolve(SaeTrainingStateFile.FILE))) {
            list.encode(out, NDList.Encoding.SAFETENSORS);
        }
    }
}

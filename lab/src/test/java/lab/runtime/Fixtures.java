package lab.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import lab.runtime.loading.LoadOptions;
import lab.runtime.loading.ModelLoader;

/** The HF reference fixtures copied from shared/fixtures/hf (see their README.md). */
public final class Fixtures {

    public static final Path ROOT = Path.of("src/test/resources/fixtures/hf");
    public static final String[] MODELS = {"gpt2-tiny", "pythia-tiny", "llama-tiny", "gptneo-tiny"};

    private Fixtures() {
    }

    public static Path dir(String model) {
        return ROOT.resolve(model);
    }

    public static HookedTransformer load(String model) {
        return ModelLoader.load(dir(model), LoadOptions.cpu());
    }

    /** A model's config.json, weights and tokenizer copied into {@code parent}/model, to edit there. */
    public static Path copy(String model, Path parent) throws IOException {
        Path dir = parent.resolve(model);
        Files.createDirectories(dir);
        for (String f : new String[] {"config.json", "model.safetensors", "tokenizer.json"}) {
            Files.copy(dir(model).resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        return dir;
    }

    public static JsonNode referenceJson(String model) {
        try {
            return new ObjectMapper().readTree(dir(model).resolve("reference.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Map<String, NDArray> referenceTensors(NDManager manager, String model) {
        try (InputStream in = Files.newInputStream(dir(model).resolve("reference.safetensors"))) {
            Map<String, NDArray> byName = new HashMap<>();
            for (NDArray a : NDList.decode(manager, in)) {
                byName.put(a.getName(), a);
            }
            return byName;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static long[] ids(JsonNode array) {
        long[] ids = new long[array.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = array.get(i).asLong();
        }
        return ids;
    }

    /**
     * The parity tolerance for a fixture: 1e-5 on the sharp ones (a correct float32 runtime agrees
     * to ~3e-6 there, while exact and tanh GELU differ by ~2e-4) and the rotary scaling ones (drawn
     * at the same 0.15), 1e-4 on the others.
     */
    public static double tolerance(String model) {
        return model.endsWith("-sharp") || model.contains("-rope-") ? 1e-5 : 1e-4;
    }

    /** max |actual - expected| / max |expected|: the parity measure the runtime issue sets (1e-4). */
    public static double relativeError(NDArray actual, NDArray expected) {
        if (!actual.getShape().equals(expected.getShape())) {
            throw new AssertionError("shape " + actual.getShape() + " vs reference " + expected.getShape());
        }
        float[] a = actual.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        float[] e = expected.toFloatArray();
        double maxDiff = 0;
        double maxRef = 0;
        for (int i = 0; i < a.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(a[i] - e[i]));
            maxRef = Math.max(maxRef, Math.abs(e[i]));
        }
        return maxDiff / maxRef;
    }
}

package lab.runtime;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import lab.runtime.loading.LoadOptions;
import lab.runtime.loading.ModelLoadException;
import lab.runtime.loading.ModelLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a model folder can be wrong gets one error that names the file and the problem. */
class LoadingErrorsTest {

    @TempDir
    Path tmp;

    private Path copyOf(String fixture) throws IOException {
        Path dir = tmp.resolve(fixture);
        Files.createDirectories(dir);
        for (String f : new String[] {"config.json", "model.safetensors", "tokenizer.json"}) {
            Files.copy(Fixtures.dir(fixture).resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        return dir;
    }

    private static String failure(Path dir) {
        return assertThrows(ModelLoadException.class, () -> ModelLoader.load(dir, LoadOptions.cpu())).getMessage();
    }

    private static void assertMentions(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "'" + message + "' should mention '" + p + "'");
        }
    }

    @Test
    void unsupportedModelType() throws IOException {
        Path dir = copyOf("gpt2-tiny");
        Path config = dir.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"model_type\": \"gpt2\"", "\"model_type\": \"mamba\""));
        assertMentions(failure(dir), "config.json", "model_type 'mamba' is not supported", "gpt2", "llama");
    }

    @Test
    void missingFolderConfigAndWeights() throws IOException {
        assertMentions(failure(tmp.resolve("nowhere")), "nowhere", "does not exist");
        Path dir = copyOf("gpt2-tiny");
        Files.delete(dir.resolve("model.safetensors"));
        assertMentions(failure(dir), "no weights", "model.safetensors");
        Files.delete(dir.resolve("config.json"));
        assertMentions(failure(dir), "no config.json");
    }

    @Test
    void malformedConfig() throws IOException {
        Path dir = copyOf("gpt2-tiny");
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"gpt2\", \"n_embd\": ");
        assertMentions(failure(dir), "config.json", "not valid JSON");
    }

    @Test
    void truncatedWeights() throws IOException {
        Path dir = copyOf("gpt2-tiny");
        Path weights = dir.resolve("model.safetensors");
        byte[] all = Files.readAllBytes(weights);
        Files.write(weights, java.util.Arrays.copyOf(all, all.length - 1000));
        assertMentions(failure(dir), "model.safetensors", "truncated", "bytes of tensor data");
    }

    @Test
    void missingTensor() throws IOException {
        Path dir = copyOf("gpt2-tiny");
        rewriteWithout(dir.resolve("model.safetensors"), "transformer.h.1.ln_2.weight");
        assertMentions(failure(dir), "model.safetensors", "no tensor 'transformer.h.1.ln_2.weight'");
    }

    @Test
    void shapeDisagreeingWithConfig() throws IOException {
        Path dir = copyOf("llama-tiny");
        Path config = dir.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"intermediate_size\": 128", "\"intermediate_size\": 96"));
        assertMentions(failure(dir), "model.safetensors", "'model.layers.0.mlp.gate_proj.weight' has shape (128, 64)",
                "implies (96, 64)");
    }

    @Test
    void missingShardOfAnIndex() throws IOException {
        Path dir = copyOf("gpt2-tiny");
        Files.move(dir.resolve("model.safetensors"), dir.resolve("model-00001-of-00002.safetensors"));
        Files.writeString(dir.resolve("model.safetensors.index.json"), "{\"weight_map\": {"
                + "\"transformer.wte.weight\": \"model-00001-of-00002.safetensors\","
                + "\"transformer.h.1.mlp.c_fc.weight\": \"model-00002-of-00002.safetensors\"}}");
        assertMentions(failure(dir), "model-00002-of-00002.safetensors", "missing");
    }

    @Test
    void shardedCheckpointLoadsLikeTheSingleFile() throws IOException {
        Path dir = copyOf("pythia-tiny");
        try (NDManager m = NDManager.newBaseManager()) {
            NDList all = NDList.decode(m, Files.readAllBytes(dir.resolve("model.safetensors")));
            NDList first = new NDList();
            NDList second = new NDList();
            StringBuilder map = new StringBuilder("{\"weight_map\": {");
            for (int i = 0; i < all.size(); i++) {
                NDArray a = all.get(i);
                boolean inFirst = i % 2 == 0;
                (inFirst ? first : second).add(a);
                map.append(i == 0 ? "" : ",").append('"').append(a.getName()).append("\": \"")
                        .append(inFirst ? "a.safetensors" : "b.safetensors").append('"');
            }
            write(dir.resolve("a.safetensors"), first);
            write(dir.resolve("b.safetensors"), second);
            Files.writeString(dir.resolve("model.safetensors.index.json"), map.append("}}").toString());
        }
        Files.delete(dir.resolve("model.safetensors"));
        try (HookedTransformer sharded = ModelLoader.load(dir, LoadOptions.cpu());
             HookedTransformer single = Fixtures.load("pythia-tiny");
             NDManager m = NDManager.newBaseManager()) {
            long[] ids = {5, 17, 42, 99};
            double err = Fixtures.relativeError(sharded.logits(m, sharded.tokens(m, ids)), single.logits(m, single.tokens(m, ids)));
            assertTrue(err == 0.0, "sharded and single-file checkpoints differ by " + err);
        }
    }

    private static void rewriteWithout(Path file, String dropped) throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            NDList all = NDList.decode(m, Files.readAllBytes(file));
            NDList kept = new NDList();
            all.stream().filter(a -> !a.getName().equals(dropped)).forEach(kept::add);
            write(file, kept);
        }
    }

    private static void write(Path file, NDList list) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            list.encode(out, NDList.Encoding.SAFETENSORS);
        }
    }
}

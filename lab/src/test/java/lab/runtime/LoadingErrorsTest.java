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
        return Fixtures.copy(fixture, tmp);
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

    /** Llama-style checkpoints usually store bfloat16; they load widened to float32, exactly. */
    @Test
    void bfloat16CheckpointLoadsAsItsFloat32Widening() throws IOException {
        Path dir = copyOf("llama-tiny");
        Path weights = dir.resolve("model.safetensors");
        byte[] f32 = Files.readAllBytes(weights);
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(f32).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int headerLength = (int) in.getLong(0);
        String header = new String(f32, 8, headerLength, java.nio.charset.StandardCharsets.UTF_8);
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var h = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(header);
        // truncate every float32 to bfloat16 (its top 16 bits), halving every offset
        java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
        for (var it = h.fields(); it.hasNext(); ) {
            var e = it.next();
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            var t = (com.fasterxml.jackson.databind.node.ObjectNode) e.getValue();
            int from = 8 + headerLength + t.get("data_offsets").get(0).asInt();
            int to = 8 + headerLength + t.get("data_offsets").get(1).asInt();
            int start = data.size();
            for (int i = from; i < to; i += 4) {
                int bits = in.getInt(i) >>> 16;
                data.write(bits & 0xff);
                data.write((bits >>> 8) & 0xff);
            }
            t.put("dtype", "BF16");
            t.putArray("data_offsets").add(start).add(data.size());
        }
        byte[] hb = json.writeValueAsBytes(h);
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(8 + hb.length + data.size()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        out.putLong(hb.length).put(hb).put(data.toByteArray());
        Files.write(weights, out.array());
        try (HookedTransformer bf16 = ModelLoader.load(dir, LoadOptions.cpu());
             HookedTransformer full = Fixtures.load("llama-tiny");
             NDManager m = NDManager.newBaseManager()) {
            NDArray w = bf16.weights().require("blocks.0.attn.W_Q");
            float[] got = w.toFloatArray();
            float[] exact = full.weights().require("blocks.0.attn.W_Q").toFloatArray();
            for (int i = 0; i < got.length; i++) {
                int truncated = Float.floatToRawIntBits(exact[i]) & 0xffff0000;
                assertTrue(Float.floatToRawIntBits(got[i]) == truncated, "weight " + i + " not widened exactly");
            }
            long[] ids = {5, 17, 42, 99, 7};
            double err = Fixtures.relativeError(bf16.logits(m, bf16.tokens(m, ids)), full.logits(m, full.tokens(m, ids)));
            assertTrue(err > 0 && err < 5e-2, "bfloat16 weights moved logits by " + err);
        }
    }

    /**
     * Rotary schemes the runtime does not implement (dynamic NTK and longrope depend on the run's
     * length) would give wrong logits quietly: refused, in either spelling, naming what is supported.
     */
    @Test
    void unsupportedRopeTypeIsRefused() throws IOException {
        for (String fixture : new String[] {"llama-tiny", "pythia-tiny"}) {
            Path dir = copyOf(fixture);
            Path config = dir.resolve("config.json");
            String original = Files.readString(config);
            for (String type : new String[] {"dynamic", "longrope", "su"}) {
                Files.writeString(config, original.replace("\"rope_type\": \"default\"",
                        "\"rope_type\": \"" + type + "\", \"factor\": 2.0"));
                assertMentions(failure(dir), "config.json", "rope_type '" + type + "' is not supported",
                        "default, linear, llama3, yarn");
            }
            // the older spelling: rope_scaling with "type"
            Files.writeString(config, original.replace("\"rope_type\": \"default\"", "\"rope_theta_unused\": 0")
                    .replaceFirst("\\{", "{\"rope_scaling\": {\"type\": \"dynamic\", \"factor\": 2.0},"));
            assertMentions(failure(dir), "config.json", "rope_type 'dynamic' is not supported");
        }
    }

    /** A scaled rotary without a key its formula needs, or with a bad value: one error naming it. */
    @Test
    void ropeScalingWithoutARequiredKeyIsRefused() throws IOException {
        assertMentions(failureWith("llama-rope-llama3", "\"low_freq_factor\": 1.0,", ""), "config.json",
                "rope_type 'llama3' needs 'low_freq_factor' in rope_parameters");
        assertMentions(failureWith("llama-rope-llama3", "\"high_freq_factor\": 4.0,", "\"high_freq_factor\": 1.0,"),
                "config.json", "low_freq_factor (1.0) < high_freq_factor (1.0)");
        assertMentions(failureWith("llama-rope-llama3", "\"factor\": 4.0,", "\"factor\": \"four\","), "config.json",
                "rope_parameters 'factor' should be a number");
        assertMentions(failureWith("llama-rope-linear", "\"factor\": 4.0,", ""), "config.json",
                "rope_type 'linear' needs 'factor' in rope_parameters");
        assertMentions(failureWith("llama-rope-yarn", "\"factor\": 4.0,", ""), "config.json",
                "rope_type 'yarn' needs 'factor' in rope_parameters");
    }

    /** The load error of a fixture whose config.json has {@code from} replaced by {@code to}. */
    private String failureWith(String fixture, String from, String to) throws IOException {
        Path config = Fixtures.copy(fixture, tmp.resolve(fixture + "-" + Math.abs((from + to).hashCode())))
                .resolve("config.json");
        String original = Files.readString(config);
        assertTrue(original.contains(from), fixture + " config.json should contain " + from);
        Files.writeString(config, original.replace(from, to));
        return failure(config.getParent());
    }

    @Test
    void qwen2SlidingWindowIsRefused() throws IOException {
        Path dir = copyOf("qwen2-sharp");
        Path config = dir.resolve("config.json");
        String original = Files.readString(config);
        assertTrue(original.contains("\"use_sliding_window\": false"), "the fixture states it");
        Files.writeString(config, original.replace("\"use_sliding_window\": false", "\"use_sliding_window\": true"));
        assertMentions(failure(dir), "config.json", "use_sliding_window=true is not supported", "qwen2");
    }

    @Test
    void gateProjectionBiasIsRefused() throws IOException {
        Path dir = copyOf("llama-tiny");
        Path weights = dir.resolve("model.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            NDList all = NDList.decode(m, Files.readAllBytes(weights));
            NDArray bias = m.zeros(new ai.djl.ndarray.types.Shape(128));
            bias.setName("model.layers.0.mlp.gate_proj.bias");
            all.add(bias);
            write(weights, all);
        }
        assertMentions(failure(dir), "mlp.gate_proj", "mlp_bias=true", "not supported");
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

package lab.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import lab.runtime.HookedTransformer;
import lab.runtime.ModelConfig;
import lab.runtime.ModelWeights;
import lab.runtime.RandomWeights;
import lab.runtime.loading.LoadOptions;
import lab.runtime.loading.ModelLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GPT-2 export reloads through the runtime's own GPT-2 converter with identical logits. */
class Gpt2ExportTest {

    @TempDir
    Path dir;

    @Test
    void exportedFolderReloadsWithIdenticalLogits() throws Exception {
        TrainConfig config = ToyWorldTest.MICRO;
        ToyWorld world = ToyWorld.generate(config.world(), config.seed());
        ModelConfig c = config.modelConfig(world.vocabulary().size());
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            ModelWeights drawn = RandomWeights.create(m.newSubManager(), c, 11, 0.2, DataType.FLOAT32);
            Map<String, NDArray> w = new LinkedHashMap<>(drawn.all());
            w.remove("unembed.b_U");
            // non-trivial norms and biases, so a swapped or untransposed tensor shows
            w.forEach((name, a) -> {
                if (name.endsWith(".w")) {
                    a.addi(0.3);
                }
            });
            ModelWeights weights = new ModelWeights(drawn.manager(), c, w);
            Gpt2Export.write(c, weights, dir);
            TokenizerJson.write(world.vocabulary(), dir.resolve("tokenizer.json"));
            JsonNode cfg = TrainConfig.JSON.readTree(dir.resolve("config.json").toFile());
            assertEquals("gpt2", cfg.get("model_type").asText());
            assertEquals("GPT2LMHeadModel", cfg.get("architectures").get(0).asText());
            assertEquals(c.dModel(), cfg.get("n_embd").asInt());
            try (HookedTransformer original = new HookedTransformer(c, weights, null, Device.cpu());
                 HookedTransformer reloaded = ModelLoader.load(dir, LoadOptions.cpu())) {
                assertEquals(c, reloaded.config());
                long[] ids = reloaded.tokenizer().encode("When Mary and John went to the park, John gave a ball to", true);
                float[] a = original.logits(m, original.tokens(m, ids)).toFloatArray();
                float[] b = reloaded.logits(m, reloaded.tokens(m, ids)).toFloatArray();
                assertArrayEquals(a, b, 0f);
            }
        }
    }
}

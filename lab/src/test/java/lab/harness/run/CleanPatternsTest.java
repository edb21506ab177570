package lab.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lab.experiments.PreparedExample;
import lab.runtime.Fixtures;
import lab.runtime.HookedTransformer;
import lab.viz.AttentionPatterns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** patterns.json holds every head's clean pattern of the first examples, as HF computed them. */
class CleanPatternsTest {

    @TempDir
    Path dir;

    @Test
    void patternsJsonMatchesHfAttentionsOfTheFirstExamples() throws Exception {
        JsonNode ref = Fixtures.referenceJson("gpt2-tiny");
        long[] p0 = Fixtures.ids(ref.get("prompts").get(0).get("ids"));
        long[] p1 = Fixtures.ids(ref.get("prompts").get(1).get("ids"));
        List<PreparedExample> examples = List.of(new PreparedExample("first", "g", p0, p0, 1, 2),
                new PreparedExample("second", "g", p1, p1, 1, 2), new PreparedExample("third", "g", p0, p0, 1, 2));
        try (HookedTransformer model = Fixtures.load("gpt2-tiny"); NDManager m = NDManager.newBaseManager()) {
            List<AttentionPatterns> kept = CleanPatterns.write(dir, model, examples, 2);
            assertEquals(2, kept.size());
            JsonNode json = new ObjectMapper().readTree(dir.resolve(CleanPatterns.FILE).toFile());
            int layers = model.config().nLayers();
            int heads = model.config().nHeads();
            assertEquals(layers * heads, json.get("heads").size());
            assertEquals("L1H2", json.get("heads").get(heads + 2).asText());
            assertEquals(2, json.get("examples").size());
            assertEquals("second", json.get("examples").get(1).get("id").asText());
            assertEquals(p1.length, json.get("examples").get(1).get("tokens").size());
            String[] prompt = {"p0", "p1"};
            for (int e = 0; e < 2; e++) {
                float[] hf = Fixtures.referenceTensors(m, "gpt2-tiny").get(prompt[e] + ".attentions").toFloatArray();
                JsonNode patterns = json.get("examples").get(e).get("patterns");
                int t = e == 0 ? p0.length : p1.length;
                double worst = 0;
                for (int l = 0; l < layers; l++) {
                    for (int h = 0; h < heads; h++) {
                        JsonNode w = patterns.get(l * heads + h);
                        for (int q = 0; q < t; q++) {
                            for (int k = 0; k < t; k++) {
                                worst = Math.max(worst, Math.abs(w.get(q).get(k).asDouble() - hf[((l * heads + h) * t + q) * t + k]));
                            }
                        }
                    }
                }
                // weights are kept to 4 decimals
                assertTrue(worst < 5e-5 + 1e-4, "prompt " + e + " differs from HF by " + worst);
            }
        }
    }

    @Test
    void noExamplesNoFile() throws Exception {
        JsonNode ref = Fixtures.referenceJson("gpt2-tiny");
        long[] p0 = Fixtures.ids(ref.get("prompts").get(0).get("ids"));
        try (HookedTransformer model = Fixtures.load("gpt2-tiny")) {
            assertTrue(CleanPatterns.write(dir, model, List.of(new PreparedExample("a", "g", p0, p0, 1, 2)), 0).isEmpty());
            assertFalse(Files.exists(dir.resolve(CleanPatterns.FILE)));
        }
    }
}

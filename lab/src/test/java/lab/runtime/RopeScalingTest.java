package lab.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import lab.runtime.loading.LoadOptions;
import lab.runtime.loading.ModelLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Rotary scaling against HF: the inverse frequencies and cos/sin factor HF's rotary module held
 * (reference.json of the {@code *-rope-*} fixtures), and the older {@code rope_scaling} spelling of
 * the same configs giving HF's logits. HfParityTest checks the forward on every fixture.
 */
class RopeScalingTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"llama-rope-linear", "llama-rope-llama3", "llama-rope-yarn", "llama-rope-yarn-mscale",
        "pythia-rope-linear"})
    void inverseFrequenciesAndAttentionFactorAreHfs(String name) {
        JsonNode ref = Fixtures.referenceJson(name);
        try (HookedTransformer model = Fixtures.load(name)) {
            ModelConfig c = model.config();
            float[] inv = c.ropeScaling().inverseFrequencies(c.rotaryDim(), c.ropeTheta());
            JsonNode hf = ref.get("inv_freq");
            assertEquals(hf.size(), inv.length, name);
            for (int i = 0; i < inv.length; i++) {
                double expected = hf.get(i).asDouble();
                // float32 both sides; pow may round differently in its last bit
                assertEquals(expected, inv[i], 2 * Math.ulp((float) expected), name + " inv_freq " + i);
            }
            assertEquals(ref.get("attention_scaling").asDouble(), c.ropeScaling().attentionFactor(), 1e-12, name);
            assertTrue(c.ropeScaling().kind() != RopeScaling.Kind.DEFAULT, name);
        }
    }

    /** Llama 3.1's config.json shape: rope_scaling with rope_type, rope_theta at the top level. */
    @Test
    void olderRopeScalingSpellingGivesTheSameLogits() throws IOException {
        Path dir = copyOf("llama-rope-llama3");
        toRopeScaling(dir);
        assertHfLogits(dir, "llama-rope-llama3");
    }

    /** The oldest shape: rope_scaling with "type", as in Qwen2.5's YaRN instructions. */
    @Test
    void olderTypeKeyGivesTheSameLogits() throws IOException {
        Path dir = copyOf("llama-rope-yarn");
        toRopeScaling(dir);
        rewrite(dir, "\"rope_type\": \"yarn\"", "\"type\": \"yarn\"");
        assertHfLogits(dir, "llama-rope-yarn");
    }

    /**
     * GPTNeoXConfig takes the rope object's values, else rotary_pct / rotary_emb_base, else a quarter of
     * each head and base 10000: top-level rope_theta and partial_rotary_factor are not its names and
     * change nothing (checked with transformers 5.17's GPTNeoXConfig.from_dict).
     */
    @Test
    void neoxDefaultsAndPrecedenceAreHfs() throws IOException {
        Path dir = copyOf("pythia-tiny");
        rewrite(dir, "\"partial_rotary_factor\": 0.25,", "");
        rewrite(dir, "\"rope_theta\": 10000.0,", "");
        rewrite(dir, "\"rope_parameters\": {", "\"rope_theta\": 500.0, \"partial_rotary_factor\": 0.5, \"rope_parameters\": {");
        assertHfLogits(dir, "pythia-tiny");
    }

    /** Within the rope object, its values win over the old top-level names. */
    @Test
    void neoxRopeObjectWinsOverOldNames() throws IOException {
        Path dir = copyOf("pythia-tiny");
        rewrite(dir, "\"rope_parameters\": {", "\"rotary_emb_base\": 500.0, \"rotary_pct\": 0.5, \"rope_parameters\": {");
        assertHfLogits(dir, "pythia-tiny");
    }

    private void assertHfLogits(Path dir, String fixture) {
        JsonNode ref = Fixtures.referenceJson(fixture);
        try (HookedTransformer model = ModelLoader.load(dir, LoadOptions.cpu());
             HookedTransformer original = Fixtures.load(fixture);
             NDManager m = NDManager.newBaseManager()) {
            assertEquals(original.config(), model.config(), "the same config in either spelling");
            NDArray expected = Fixtures.referenceTensors(m, fixture).get("p0.logits");
            long[] ids = Fixtures.ids(ref.get("prompts").get(0).get("ids"));
            NDArray logits = model.logits(m, model.tokens(m, ids)).get(0);
            double err = Fixtures.relativeError(logits, expected);
            assertTrue(err <= Fixtures.tolerance(fixture), fixture + " rewritten: relative error " + err);
        }
    }

    private Path copyOf(String fixture) throws IOException {
        return Fixtures.copy(fixture, tmp);
    }

    /** rope_parameters renamed rope_scaling, its rope_theta moved to the top level. */
    private static void toRopeScaling(Path dir) throws IOException {
        rewrite(dir, "\"rope_theta\": 100.0,", "");
        rewrite(dir, "\"rope_parameters\": {", "\"rope_theta\": 100.0, \"rope_scaling\": {");
    }

    private static void rewrite(Path dir, String from, String to) throws IOException {
        Path config = dir.resolve("config.json");
        String text = Files.readString(config);
        assertTrue(text.contains(from), "config.json should contain " + from);
        Files.writeString(config, text.replace(from, to));
    }
}

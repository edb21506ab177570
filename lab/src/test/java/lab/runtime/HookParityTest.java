package lab.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every hook point the runtime has (HookNames), on prompt 0 of every fixture, against the tensor HF
 * transformers produced at the same place (read through module hooks by
 * scripts/fixtures/hook_references.py, stored as {@code p0.<hook name>} without the batch
 * dimension): 1e-5 of the largest magnitude on the sharp fixtures, 1e-4 on the tiny ones.
 * qwen2-sharp has q/k/v biases and drawn norm weights; mistral-sharp a sliding window of 4 over a
 * 23-token prompt.
 */
class HookParityTest {

    @ParameterizedTest
    @ValueSource(strings = {"gpt2-tiny", "pythia-tiny", "llama-tiny", "gptneo-tiny", "gpt2-sharp", "pythia-sharp",
        "llama-sharp", "gptneo-sharp", "qwen2-sharp", "mistral-sharp"})
    void everyHookPointMatchesHf(String name) {
        try (HookedTransformer model = Fixtures.load(name); NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> expected = Fixtures.referenceTensors(m, name);
            long[] ids = Fixtures.ids(Fixtures.referenceJson(name).get("prompts").get(0).get("ids"));
            List<String> hooks = new HookNames(model.config()).all();
            List<String> missing = new ArrayList<>();
            try (ForwardResult r = model.run(m, model.tokens(m, ids), RunOptions.defaults().cachingAll())) {
                for (String hook : hooks) {
                    NDArray reference = expected.get("p0." + hook);
                    if (reference == null) {
                        missing.add(hook);
                        continue;
                    }
                    NDArray ours = r.cache().get(hook);
                    assertEquals(reference.getShape().dimension() + 1, ours.getShape().dimension(),
                            name + " " + hook + ": our shape " + ours.getShape() + ", HF's (no batch) " + reference.getShape());
                    compare(ours.get(0), reference, name, hook);
                }
            }
            assertTrue(missing.isEmpty(), name + ": no HF reference for " + missing);
            assertTrue(hooks.size() >= 2 + 14 * model.config().nLayers(), name + ": only " + hooks.size() + " hook points");
        }
    }

    /** Masked scores are -inf in both; the rest are compared as any other tensor. */
    private static void compare(NDArray ours, NDArray reference, String name, String hook) {
        double tolerance = Fixtures.tolerance(name);
        if (hook.endsWith("hook_attn_scores")) {
            NDArray masked = reference.isInfinite();
            assertArrayEquals(masked.toBooleanArray(), ours.isInfinite().toBooleanArray(),
                    name + " " + hook + ": masked entries differ from HF's");
            assertTrue(masked.any().getBoolean(), name + " " + hook + ": nothing masked, so the mask is unchecked");
            reference = reference.duplicate();
            reference.set(masked, 0f);
            ours = ours.duplicate();
            ours.set(masked, 0f);
        }
        double err = Fixtures.relativeError(ours, reference);
        assertTrue(err <= tolerance, name + " " + hook + ": relative error " + err + " > " + tolerance);
    }
}

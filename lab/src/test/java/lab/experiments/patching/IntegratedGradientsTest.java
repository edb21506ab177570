package lab.experiments.patching;

import lab.experiments.PreparedExample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lab.harness.config.RunConfig;
import lab.harness.config.RunConfigLoader;
import lab.experiments.metrics.AnswerMetrics;
import lab.runtime.Fixtures;
import lab.runtime.Hook;
import lab.runtime.HookedTransformer;
import lab.runtime.RunOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * attribution_patch's method ig against what integrated gradients guarantee: the cells' terms of a
 * layer sum to the effect of patching every cell of that layer at once (completeness, up to the
 * Riemann sum's error), measured by one plain hooked forward that writes the source's whole
 * activation into the receiver.
 */
class IntegratedGradientsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TARGET = 5;
    private static final long FOIL = 7;

    @Test
    void aLayersTermsSumToPatchingTheWholeLayer() throws Exception {
        for (String name : new String[] {"gpt2-sharp", "pythia-sharp"}) {
            for (String granularity : new String[] {"layer_resid", "head_out", "mlp_out"}) {
                checkCompleteness(name, granularity);
            }
        }
    }

    private void checkCompleteness(String name, String granularity) throws Exception {
        var ref = Fixtures.referenceJson(name);
        long[] clean = Fixtures.ids(ref.get("clean_ids"));
        long[] corrupt = Fixtures.ids(ref.get("corrupt_ids"));
        try (HookedTransformer model = Fixtures.load(name); NDManager m = NDManager.newBaseManager()) {
            for (String method : new String[] {"ig", "atp"}) {
                String params = "{\"direction\": \"both\", \"granularity\": \"" + granularity + "\", \"layers\": [1],"
                        + " \"method\": \"" + method + "\"" + (method.equals("ig") ? ", \"steps\": 32}" : "}");
                AttributionPatch experiment = AttributionPatch.fromParams(JSON.readTree(params));
                double[] sums = new double[2];
                experiment.run(model, new PreparedExample("pair", "g", clean, corrupt, TARGET, FOIL), List.of(AnswerMetrics.LOGIT_DIFF),
                        (c, v, b) -> {
                            String direction = (String) c.get("direction");
                            if (!direction.equals(PatchDirection.ASYMMETRY)) {
                                boolean intoCorrupt = direction.equals("clean_to_corrupt");
                                double receiver = b.get(intoCorrupt ? "corrupt_logit_diff" : AnswerMetrics.CLEAN_LOGIT_DIFF);
                                sums[intoCorrupt ? 0 : 1] += v.get(AnswerMetrics.LOGIT_DIFF) - receiver;
                            }
                        });
                for (int direction = 0; direction < 2; direction++) {
                    boolean intoCorrupt = direction == 0;
                    String hook = PatchGranularity.parse(granularity).hook(1);
                    NDArray source = model.run(m, model.tokens(m, intoCorrupt ? clean : corrupt), RunOptions.defaults().caching(hook))
                            .cache().get(hook);
                    long[] receiver = intoCorrupt ? corrupt : clean;
                    double whole = AttributionPatchTest.logitDiff(model, m, receiver, RunOptions.defaults().withHooks(
                            Hook.replacing(hook, x -> x.zerosLike().add(source))))
                            - AttributionPatchTest.logitDiff(model, m, receiver, RunOptions.defaults());
                    System.out.printf("%s %s %s %s: sum of terms %.5f, whole layer patched %.5f%n", name, granularity, method,
                            intoCorrupt ? "clean_to_corrupt" : "corrupt_to_clean", sums[direction], whole);
                    assertTrue(Math.abs(whole) > 1e-2, name + " " + granularity + ": the patch must move logit_diff");
                    if (method.equals("ig")) {
                        assertEquals(whole, sums[direction], 2e-3 * Math.abs(whole), name + " " + granularity);
                    }
                }
            }
        }
    }

    /** The loader fills the schema's defaults into params: none may put steps beside atp or atp_star. */
    @Test
    void configsThroughTheSchemaBuildEachMethod(@TempDir Path dir) throws Exception {
        for (String experiment : new String[] {
                "\"granularity\": \"head_k\"",
                "\"granularity\": \"head_q\", \"method\": \"atp\", \"per_position\": true",
                "\"granularity\": \"layer_resid\", \"method\": \"ig\", \"steps\": 4"}) {
            Path file = dir.resolve("run.json");
            Files.writeString(file, "{\"name\": \"atp\", \"model\": {\"path\": \"m\"}, \"data\": {\"corpus\": \"c.jsonl\"},"
                    + " \"experiment\": {\"type\": \"attribution_patch\", \"direction\": \"both\", " + experiment + "},"
                    + " \"metrics\": [\"logit_diff\"], \"seeds\": [0], \"output\": {\"root\": \"runs\"}}");
            RunConfig config = new RunConfigLoader(dir).withoutFileChecks().load(file, List.of());
            AttributionPatch.fromParams(config.experiment().params());
        }
    }

    @Test
    void stepsBelongToIgOnly() throws Exception {
        var atp = assertThrows(IllegalArgumentException.class, () -> AttributionPatch.fromParams(
                JSON.readTree("{\"direction\": \"both\", \"granularity\": \"layer_resid\", \"steps\": 4}")));
        assertTrue(atp.getMessage().contains("experiment.steps applies to method \"ig\" only"), atp.getMessage());
        var fraction = assertThrows(IllegalArgumentException.class, () -> AttributionPatch.fromParams(
                JSON.readTree("{\"direction\": \"both\", \"granularity\": \"layer_resid\", \"method\": \"ig\", \"steps\": 2.5}")));
        assertTrue(fraction.getMessage().contains("experiment.steps is 2.5"), fraction.getMessage());
        var zero = assertThrows(IllegalArgumentException.class, () -> AttributionPatch.fromParams(
                JSON.readTree("{\"direction\": \"both\", \"granularity\": \"layer_resid\", \"method\": \"ig\", \"steps\": 0}")));
        assertTrue(zero.getMessage().contains("at least 1"), zero.getMessage());
    }
}

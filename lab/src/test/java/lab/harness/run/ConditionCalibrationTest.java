package lab.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lab.experiments.Experiments;
import lab.harness.config.ConfigException;
import lab.harness.config.RunConfig;
import lab.harness.config.RunConfigLoader;
import lab.harness.stats.ExpectedCalibrationError;
import lab.harness.stats.TemperatureScaling;
import lab.runtime.Hook;
import lab.runtime.HookedTransformer;
import lab.runtime.RunOptions;
import lab.viz.ReliabilityDiagram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-condition calibration of heads_zero on the gpt2-tiny fixture, checked against the same
 * statistics computed here from plain hooked forwards with that head's {@code hook_z} slice zeroed:
 * T fitted on val, ECE before and after on test.
 */
class ConditionCalibrationTest {

    @TempDir
    Path tmp;

    private static final String MODEL = "gpt2-tiny";
    // the harness keeps log-probabilities in float and the search stops at 1e-7 in log T; on this
    // near-uniform model zeroing a head moves T by 1e-4 to 2e-2 relative, so these tell heads apart
    private static final double TOLERANCE_T = 1e-5;
    private static final double TOLERANCE_ECE = 1e-6;

    /** Last-position logits of the items of one subset with head {@code head} of {@code layer} zeroed (none for layer -1), and their targets. */
    private static double[][] zeroedLogits(HookedTransformer model, NDManager m, String subset, int layer, int head,
                                           List<Integer> targets) {
        List<double[]> rows = new ArrayList<>();
        for (Object[] item : RunCalibrationTest.ITEMS) {
            if (!item[3].equals(subset)) {
                continue;
            }
            long[] ids = model.tokenizer().encode(RunCalibrationTest.PROMPTS[(int) item[0]], false);
            RunOptions options = layer < 0 ? RunOptions.defaults() : RunOptions.defaults().withHooks(
                    Hook.replacing("blocks." + layer + ".attn.hook_z", z -> {
                        NDArray zeroed = z.duplicate();
                        zeroed.set(new NDIndex(":, :, " + head + ", :"), 0f);
                        return zeroed;
                    }));
            float[] last = model.run(m, model.tokens(m, ids), options).output().get(new NDIndex("0, -1")).toFloatArray();
            rows.add(java.util.stream.IntStream.range(0, last.length).mapToDouble(i -> last[i]).toArray());
            targets.add((int) model.tokenizer().encode((String) item[1], false)[0]);
        }
        return rows.toArray(double[][]::new);
    }

    private static double ece(double[][] logits, List<Integer> targets, double t) {
        double[] confidence = new double[logits.length];
        boolean[] correct = new boolean[logits.length];
        for (int i = 0; i < logits.length; i++) {
            confidence[i] = TemperatureScaling.topProbability(logits[i], t);
            correct[i] = TemperatureScaling.argmax(logits[i]) == targets.get(i);
        }
        return ExpectedCalibrationError.of(confidence, correct, ExpectedCalibrationError.BINS).ece();
    }

    @Test
    void eachZeroedHeadIsCalibratedAsAPlainHookedForwardIs() throws Exception {
        RunConfig config = RunCalibrationTest.config(tmp, true, MODEL, "{\"type\": \"heads_zero\", \"scales\": [0.0]}");
        try (HookedTransformer model = lab.runtime.Fixtures.load(MODEL); NDManager m = NDManager.newBaseManager()) {
            RunCalibration.Result result = RunCalibration.measure(tmp, config, model,
                    Experiments.create(config.experiment().type(), config.experiment().params()), List.of());
            JsonNode json = new ObjectMapper().readTree(tmp.resolve(RunCalibration.FILE).toFile());
            assertTrue(json.get("scope").asText().startsWith("clean run and every condition"), json.get("scope").asText());
            JsonNode conditions = json.get("conditions");
            int layers = model.config().nLayers();
            int heads = model.config().nHeads();
            assertEquals(layers * heads, conditions.size());
            double cleanT = json.get("temperature").asDouble();
            int differentFromClean = 0;
            for (JsonNode entry : conditions) {
                int layer = entry.get("condition").get("layer").asInt();
                int head = entry.get("condition").get("head").asInt();
                assertEquals(0.0, entry.get("condition").get("scale").asDouble());
                List<Integer> valTargets = new ArrayList<>();
                List<Integer> testTargets = new ArrayList<>();
                double[][] val = zeroedLogits(model, m, "val", layer, head, valTargets);
                double[][] test = zeroedLogits(model, m, "test", layer, head, testTargets);
                TemperatureScaling.Fit fit = TemperatureScaling.fit(val, valTargets.stream().mapToInt(Integer::intValue).toArray());
                String what = "L" + layer + "H" + head;
                assertEquals(3, entry.get("n_fit").asInt(), what);
                assertEquals(3, entry.get("n_eval").asInt(), what);
                assertEquals(fit.temperature(), entry.get("temperature").asDouble(), TOLERANCE_T * fit.temperature(), what);
                assertEquals(ece(test, testTargets, 1), entry.get("ece_before").asDouble(), TOLERANCE_ECE, what);
                assertEquals(ece(test, testTargets, fit.temperature()), entry.get("ece_after").asDouble(), TOLERANCE_ECE, what);
                assertEquals(ece(test, testTargets, 1), result.metrics().get("calibration/layer_" + layer + "/head_" + head
                        + "/scale_0.0/ece_before"), TOLERANCE_ECE, what);
                assertEquals(entry.get("temperature").asDouble(), result.metrics().get("calibration/layer_" + layer + "/head_"
                        + head + "/scale_0.0/temperature"), what);
                if (Math.abs(fit.temperature() - cleanT) > 5 * TOLERANCE_T * cleanT) {
                    differentFromClean++;
                }
            }
            assertTrue(differentFromClean >= layers * heads / 2, "zeroing a head should move T by more than the tolerance: only "
                    + differentFromClean + " of " + layers * heads + " did, so the check could not tell conditions apart");
            ReliabilityDiagram perCondition = result.diagrams().get(1);
            assertEquals(1 + ConditionCalibration.DRAWN, perCondition.curves().size(), "clean + the conditions that moved most");
            assertEquals(1 + layers * heads, perCondition.table().rows().size(), "clean + every condition (fewer than LISTED)");
        }
    }

    @Test
    void anExperimentWithoutAnswerReadingsKeepsCleanOnlyCalibrationAndSaysSo() throws Exception {
        RunConfig config = RunCalibrationTest.config(tmp, true, "gpt2-tiny", "{\"type\": \"logit_attribution\"}");
        try (HookedTransformer model = lab.runtime.Fixtures.load("gpt2-tiny")) {
            RunCalibration.Result result = RunCalibration.measure(tmp, config, model,
                    Experiments.create(config.experiment().type(), config.experiment().params()), List.of());
            JsonNode json = new ObjectMapper().readTree(tmp.resolve(RunCalibration.FILE).toFile());
            assertTrue(json.get("scope").asText().contains("clean run only: experiment.type logit_attribution"), json.toString());
            assertFalse(json.has("conditions"));
            assertTrue(json.get("temperature").isNumber(), "the clean run is still calibrated");
            assertEquals(1, result.diagrams().size());
            assertTrue(result.metrics().keySet().stream().allMatch(k -> k.split("/").length == 2), result.metrics().toString());
        }
    }

    @Test
    void outputCalibrationCleanSkipsTheConditionsAndABadValueIsOneClearError() throws Exception {
        RunCalibrationTest.config(tmp, true, "gpt2-tiny", "{\"type\": \"heads_zero\", \"scales\": [0.0]}");
        RunConfig clean = new RunConfigLoader(tmp).load(tmp.resolve("run.json"), List.of("output.calibration=clean"));
        try (HookedTransformer model = lab.runtime.Fixtures.load("gpt2-tiny")) {
            RunCalibration.measure(tmp, clean, model, Experiments.create("heads_zero", clean.experiment().params()), List.of());
        }
        JsonNode json = new ObjectMapper().readTree(tmp.resolve(RunCalibration.FILE).toFile());
        assertEquals("clean run only: output.calibration is \"clean\"", json.get("scope").asText());
        assertFalse(json.has("conditions"));
        var e = assertThrows(ConfigException.class, () -> new RunConfigLoader(tmp).load(tmp.resolve("run.json"),
                List.of("output.calibration=all")));
        assertTrue(e.getMessage().contains("output.calibration") && e.getMessage().contains("conditions")
                && e.getMessage().contains("clean"), e.getMessage());
    }

    /**
     * The conditions' readings are capped: a cap one byte under what heads_zero's readings on the 3 val
     * and 3 test examples take falls back to the clean run and says why; the exact amount calibrates them.
     */
    @Test
    void readingsOverTheMemoryCapFallBackToTheCleanRunAndSayHowToAvoidIt() throws Exception {
        RunConfig config = RunCalibrationTest.config(tmp, true, MODEL, "{\"type\": \"heads_zero\", \"scales\": [0.0]}");
        try (HookedTransformer model = lab.runtime.Fixtures.load(MODEL)) {
            int conditions = model.config().nLayers() * model.config().nHeads();
            long need = (4L * model.config().vocabSize() + 96) * conditions * 6;
            lab.experiments.Experiment experiment = Experiments.create("heads_zero", config.experiment().params());
            RunCalibration.Result over = RunCalibration.plan(config, model, experiment, need - 1).measure(tmp, List.of());
            JsonNode json = new ObjectMapper().readTree(tmp.resolve(RunCalibration.FILE).toFile());
            String scope = json.get("scope").asText();
            assertTrue(scope.startsWith("clean run only: per-condition calibration would hold about"), scope);
            assertTrue(scope.contains(conditions + " conditions x 6 val and test examples"), scope);
            assertTrue(scope.contains("output.calibration: \"clean\"") && scope.contains("data.n_examples"), scope);
            assertFalse(json.has("conditions"));
            assertTrue(json.get("temperature").isNumber(), "the clean run is still calibrated");
            assertEquals(1, over.diagrams().size());
            RunCalibration.plan(config, model, experiment, need).measure(tmp, List.of());
            JsonNode within = new ObjectMapper().readTree(tmp.resolve(RunCalibration.FILE).toFile());
            assertTrue(within.get("scope").asText().startsWith("clean run and every condition"), within.toString());
            assertEquals(conditions, within.get("conditions").size());
        }
    }

    /** A failure inside calibration, after the seeds, is logged and noted in calibration.json; it is not thrown on. */
    @Test
    void aFailureInsideCalibrationIsLoggedAndNotedNotThrown() throws Exception {
        RunConfig config = RunCalibrationTest.config(tmp, true, MODEL, "{\"type\": \"heads_zero\", \"scales\": [0.0]}");
        lab.experiments.Experiment real = Experiments.create("heads_zero", config.experiment().params());
        lab.experiments.Experiment failing = (lab.experiments.Experiment) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {lab.experiments.Experiment.class}, (proxy, method, args) -> {
                    if (method.getName().equals("run")) {
                        throw new IllegalStateException("injected failure");
                    }
                    return method.invoke(real, args);
                });
        Path logFile = tmp.resolve("run.log");
        RunCalibration.Result result;
        try (HookedTransformer model = lab.runtime.Fixtures.load(MODEL); RunLog log = new RunLog(logFile)) {
            result = RunCalibration.plan(config, model, failing).measureOrNote(tmp, List.of(), log);
        }
        JsonNode json = new ObjectMapper().readTree(tmp.resolve(RunCalibration.FILE).toFile());
        String scope = json.get("scope").asText();
        assertTrue(scope.startsWith("not calibrated: calibration failed") && scope.contains("injected failure"), scope);
        assertEquals(scope, result.summaryEntries().get("calibration") instanceof java.util.Map<?, ?> entry
                ? entry.get("scope") : null, "the summary says so too");
        assertTrue(result.metrics().isEmpty() && result.diagrams().isEmpty());
        String logged = java.nio.file.Files.readString(logFile);
        assertTrue(logged.contains("calibration failed") && logged.contains("IllegalStateException: injected failure"), logged);
    }

    /**
     * activation_patch's clean-into-corrupt conditions are read on the corrupt prompt against the clean
     * target: calibration.json keeps them with a note, and the report's ranking leaves them out.
     */
    @Test
    void conditionsOnTheCorruptPromptAreKeptNotedAndNotRanked() throws Exception {
        RunConfig config = RunCalibrationTest.config(tmp, true, MODEL,
                "{\"type\": \"activation_patch\", \"direction\": \"both\", \"granularity\": \"layer_resid\"}");
        try (HookedTransformer model = lab.runtime.Fixtures.load(MODEL)) {
            RunCalibration.Result result = RunCalibration.measure(tmp, config, model,
                    Experiments.create(config.experiment().type(), config.experiment().params()), List.of());
            JsonNode json = new ObjectMapper().readTree(tmp.resolve(RunCalibration.FILE).toFile());
            assertTrue(json.get("scope").asText().contains("corrupt prompt"), json.get("scope").asText());
            int onCorrupt = 0;
            int ranked = 0;
            for (JsonNode entry : json.get("conditions")) {
                String direction = entry.get("condition").get("direction").asText();
                assertEquals(direction.equals("clean_to_corrupt"), entry.has("note"), entry.toString());
                onCorrupt += direction.equals("clean_to_corrupt") ? 1 : 0;
                ranked += direction.equals("corrupt_to_clean") ? 1 : 0;
            }
            assertTrue(onCorrupt > 0, "kept in calibration.json");
            assertEquals(onCorrupt, ranked, "one of each direction per layer and position");
            ReliabilityDiagram perCondition = result.diagrams().get(1);
            assertEquals(1 + Math.min(ranked, ConditionCalibration.LISTED), perCondition.table().rows().size());
            assertTrue(perCondition.table().rows().stream().noneMatch(row -> row.get(0).contains("clean_to_corrupt")),
                    perCondition.table().rows().toString());
            assertTrue(perCondition.note().contains("Not ranked: " + onCorrupt + " conditions"), perCondition.note());
        }
    }

    /** The corpus prompts run inputs hand an experiment (causal tracing's noise scale) are the whole file's, whatever the subset. */
    @Test
    void corpusPromptsAreEveryCleanPromptOfTheCorpusFile() throws Exception {
        RunConfig config = RunCalibrationTest.config(tmp, true, "gpt2-tiny", "{\"type\": \"heads_zero\", \"scales\": [0.0]}");
        try (HookedTransformer model = lab.runtime.Fixtures.load("gpt2-tiny")) {
            List<long[]> prompts = new ConfigRunInputs(config, model, List.of()).corpusPrompts();
            assertEquals(RunCalibrationTest.ITEMS.length, prompts.size(), "every item, not the test subset's 3");
            for (int i = 0; i < prompts.size(); i++) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(model.tokenizer().encode(
                        RunCalibrationTest.PROMPTS[(int) RunCalibrationTest.ITEMS[i][0]], false), prompts.get(i));
            }
        }
    }

    /** A reading the seed loop handed over is used as it is: the experiment does not run that example again. */
    @Test
    void readingsTheSeedLoopKeptAreNotComputedAgain() throws Exception {
        try (HookedTransformer model = lab.runtime.Fixtures.load("gpt2-tiny")) {
            long[] ids = model.tokenizer().encode(RunCalibrationTest.PROMPTS[1], false);
            lab.experiments.PreparedExample kept = new lab.experiments.PreparedExample("a", "g", ids, ids, 5, 6);
            lab.experiments.PreparedExample copy = new lab.experiments.PreparedExample("a", "g", ids, ids, 5, 6);
            lab.experiments.PreparedExample other = new lab.experiments.PreparedExample("b", "g", ids, ids, 5, 6);
            ConditionCalibration.Readings readings = new ConditionCalibration.Readings(List.of(copy), List.of(other), Long.MAX_VALUE);
            float[] logits = new float[model.config().vocabSize()];
            logits[5] = 2f;
            lab.experiments.metrics.AnswerReading reading = lab.experiments.metrics.AnswerReading.ofTokens(logits, 5, 6);
            readings.reading(kept, java.util.Map.of("layer", 0), reading);
            readings.reading(new lab.experiments.PreparedExample("c", "g", ids, ids, 5, 6), java.util.Map.of("layer", 0), reading);
            List<String> ran = new ArrayList<>();
            lab.experiments.Experiment counting = Experiments.create("heads_zero", new ObjectMapper().readTree("{\"scales\": [0.0]}"));
            lab.experiments.Experiment spy = (lab.experiments.Experiment) java.lang.reflect.Proxy.newProxyInstance(
                    getClass().getClassLoader(), new Class<?>[] {lab.experiments.Experiment.class}, (proxy, method, args) -> {
                        if (method.getName().equals("run")) {
                            ran.add(((lab.experiments.PreparedExample) args[1]).id());
                        }
                        return method.invoke(counting, args);
                    });
            var fromSeeds = readings.of(spy, model, List.of("logit_diff"), copy);
            assertEquals(1, fromSeeds.size());
            assertTrue(ran.isEmpty(), "a kept example is not run again: " + ran);
            var computed = readings.of(spy, model, List.of("logit_diff"), other);
            assertEquals(List.of("b"), ran);
            assertEquals(model.config().nLayers() * model.config().nHeads(), computed.size());
        }
    }
}

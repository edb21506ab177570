package lab.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lab.data.Corpus;
import lab.harness.config.RunConfig;
import lab.harness.config.RunConfigLoader;
import lab.harness.stats.ExpectedCalibrationError;
import lab.harness.stats.TemperatureScaling;
import lab.runtime.Fixtures;
import lab.runtime.HookedTransformer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calibration of the clean run on the gpt2-tiny fixture, checked against the same statistics
 * computed from HF's own logits (reference.safetensors): temperature fitted on val, ECE on test.
 */
class RunCalibrationTest {

    @TempDir
    Path tmp;

    static final String[] PROMPTS = {"When Mary and John went to the store, John gave a drink to", "The capital of France is",
        "Induction heads copy tokens. Induction heads copy"};

    /** [prompt index, target, foil, group]; " to" and " is" are the model's top-1 tokens after prompts 0 and 1 (in HF's logits). */
    static final Object[][] ITEMS = {{0, " to", " John", "val"}, {1, " a", " the", "val"}, {2, " heads", " the", "val"},
        {0, " John", " Mary", "test"}, {1, " is", " a", "test"}, {2, " heads", " a", "test"}, {1, " a", " the", "train"}};

    private RunConfig config(boolean withSplit) throws Exception {
        return config(tmp, withSplit, "gpt2-tiny", "{\"type\": \"heads_zero\", \"scales\": [0.0]}");
    }

    /** A run over {@link #ITEMS} in {@code tmp}, with their val/test/train split or without one. */
    static RunConfig config(Path tmp, boolean withSplit, String model, String experiment) throws Exception {
        Path corpus = tmp.resolve("c.jsonl");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < ITEMS.length; i++) {
            String text = PROMPTS[(int) ITEMS[i][0]];
            lines.add(new ObjectMapper().writeValueAsString(Map.of("id", "i" + i, "clean", text, "corrupt", text,
                    "target", ITEMS[i][1], "foil", ITEMS[i][2], "group", ITEMS[i][3])));
        }
        Files.write(corpus, lines);
        Files.writeString(tmp.resolve("c.split.json"), "{\"corpus\": \"c.jsonl\", \"corpus_sha256\": \"" + Corpus.sha256(corpus)
                + "\", \"seed\": 0, \"subsets\": {\"train\": {\"groups\": [\"train\"]}, \"val\": {\"groups\": [\"val\"]},"
                + " \"test\": {\"groups\": [\"test\"]}}}");
        Path file = tmp.resolve("run.json");
        Files.writeString(file, "{\"name\": \"cal\", \"model\": {\"path\": \"" + Fixtures.dir(model).toAbsolutePath()
                + "\", \"device\": \"cpu\", \"prepend_bos\": false}, \"data\": {\"corpus\": \"c.jsonl\""
                + (withSplit ? ", \"split\": \"c.split.json\", \"subset\": \"test\"" : "") + "},"
                + " \"experiment\": " + experiment + ", \"seeds\": [0], \"output\": {\"mlflow\": false}}");
        return new RunConfigLoader(tmp).load(file, List.of());
    }

    /** HF's last-position logits of the items of one subset, and their targets' ids. */
    private static double[][] hfLogits(NDManager m, String subset, HookedTransformer model, List<Integer> targets) {
        Map<String, NDArray> ref = Fixtures.referenceTensors(m, "gpt2-tiny");
        List<double[]> rows = new ArrayList<>();
        for (Object[] item : ITEMS) {
            if (item[3].equals(subset)) {
                NDArray logits = ref.get("p" + item[0] + ".logits");
                float[] last = logits.get(logits.getShape().get(0) - 1).toFloatArray();
                rows.add(java.util.stream.IntStream.range(0, last.length).mapToDouble(i -> last[i]).toArray());
                targets.add((int) model.tokenizer().encode((String) item[1], false)[0]);
            }
        }
        return rows.toArray(double[][]::new);
    }

    @Test
    void temperatureFromValAndEceOnTestAgreeWithHfLogits() throws Exception {
        RunConfig config = config(true);
        try (HookedTransformer model = Fixtures.load("gpt2-tiny"); NDManager m = NDManager.newBaseManager()) {
            RunCalibration.Result result = RunCalibration.measure(tmp, config, model, lab.experiments.Experiments.create(config.experiment().type(), config.experiment().params()), List.of());
            List<Integer> valTargets = new ArrayList<>();
            List<Integer> testTargets = new ArrayList<>();
            double[][] val = hfLogits(m, "val", model, valTargets);
            double[][] test = hfLogits(m, "test", model, testTargets);
            TemperatureScaling.Fit fit = TemperatureScaling.fit(val, valTargets.stream().mapToInt(Integer::intValue).toArray());
            JsonNode json = new ObjectMapper().readTree(tmp.resolve(RunCalibration.FILE).toFile());
            assertEquals(3, json.get("n_fit").asInt());
            assertEquals(3, json.get("n_eval").asInt());
            assertEquals(fit.temperature(), json.get("temperature").asDouble(), 1e-3 * fit.temperature());
            assertTrue(fit.temperature() > 0.05 && fit.temperature() < 1 && !json.get("temperature_at_search_bound").asBoolean(),
                    "one of three right at near-uniform confidence: sharpen, to a finite T (" + fit.temperature() + ")");
            assertEquals(1.0 / 3, json.get("accuracy").asDouble(), 1e-12);
            assertEquals(fit.nllBefore(), json.get("nll_fit_before").asDouble(), 1e-4);
            for (String when : new String[] {"before", "after"}) {
                double t = when.equals("before") ? 1 : fit.temperature();
                double[] confidence = new double[test.length];
                boolean[] correct = new boolean[test.length];
                for (int i = 0; i < test.length; i++) {
                    confidence[i] = TemperatureScaling.topProbability(test[i], t);
                    correct[i] = TemperatureScaling.argmax(test[i]) == testTargets.get(i);
                }
                double expected = ExpectedCalibrationError.of(confidence, correct, 15).ece();
                assertEquals(expected, json.get("ece_" + when).asDouble(), 1e-4, when);
                assertEquals(expected, result.metrics().get("calibration/ece_" + when), 1e-4, when);
            }
            assertEquals(json.get("temperature").asDouble(), result.metrics().get("calibration/temperature"));
            assertTrue(result.summaryEntries().containsKey("calibration"));
            assertEquals(2, result.diagrams().get(0).curves().size(), "before and after");
        }
    }

    @Test
    void withoutASplitOnlyTheRunsOwnExamplesAreMeasured() throws Exception {
        RunConfig config = config(false);
        try (HookedTransformer model = Fixtures.load("gpt2-tiny")) {
            var examples = ConfigRunInputs.prepare(Corpus.read(tmp.resolve("c.jsonl")), tmp.resolve("c.jsonl"), config, model);
            RunCalibration.Result result = RunCalibration.measure(tmp, config, model, lab.experiments.Experiments.create(config.experiment().type(), config.experiment().params()), examples);
            JsonNode json = new ObjectMapper().readTree(tmp.resolve(RunCalibration.FILE).toFile());
            assertEquals(7, json.get("n_eval").asInt());
            assertTrue(json.get("temperature").isNull());
            assertTrue(json.get("note").asText().contains("needs data.split"), json.toString());
            assertEquals(1, result.diagrams().get(0).curves().size());
        }
    }
}

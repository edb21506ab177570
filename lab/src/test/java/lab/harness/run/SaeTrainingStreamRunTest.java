package lab.harness.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import lab.harness.config.RunConfig;
import lab.harness.config.RunConfigLoader;
import lab.harness.rundir.RunState;
import lab.runtime.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sae_train with {@code "texts": "training_stream"}: it trains on the toy model's stream after its
 * training steps, records that, gives the same weights for the same seed, and is refused for a
 * model that has no training stream (an HF folder) before a run directory exists.
 */
class SaeTrainingStreamRunTest {

    /** data/models/toy/config.json's bos_token_id (<|endoftext|>). */
    private static final long TOY_BOS = 0;

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private RunConfig config(Path model, String name, String texts) throws Exception {
        Files.write(tmp.resolve("c.jsonl"), SaeTrainCorpus.lines(8));
        Path file = tmp.resolve(name + ".json");
        Files.writeString(file, "{\"name\": \"" + name + "\", \"model\": {\"path\": \"" + model + "\", \"device\": \"cpu\"},"
                + " \"data\": {\"corpus\": \"c.jsonl\"}, \"experiment\": {\"type\": \"sae_train\", \"hook\": \"blocks.1.hook_resid_pre\","
                + " \"d_sae\": 32, \"k\": 4, \"batch_size\": 32, \"buffer_tokens\": 128, \"epochs\": 1, \"warmup_steps\": 2,"
                + " \"checkpoint_every\": 10, \"eval_examples\": 4, \"panel_features\": 2" + texts + "},"
                + " \"metrics\": [\"logit_diff\"], \"seeds\": [5], \"output\": {\"root\": \"runs\", \"mlflow\": false}}");
        return new RunConfigLoader(tmp).load(file, List.of());
    }

    @Test
    void aStreamRunTrainsOnTheStreamRecordsItAndRepeatsBitForBit() throws Exception {
        String stream = ", \"texts\": \"training_stream\", \"stream_rows\": 20";
        ExperimentRunner runner = new ExperimentRunner(Clock.systemUTC());
        ExperimentRunner.Outcome a = runner.run(config(SaeTrainingRunnerTest.TOY, "stream_a", stream));
        ExperimentRunner.Outcome b = runner.run(config(SaeTrainingRunnerTest.TOY, "stream_b", stream));
        assertEquals(RunState.FINISHED, a.state());
        assertEquals(RunState.FINISHED, b.state());
        for (String f : new String[] {"sae/sae_weights.safetensors", "sae/sparsity.safetensors", SaeStepLog.CSV}) {
            assertArrayEquals(Files.readAllBytes(a.directory().resolve(f)), Files.readAllBytes(b.directory().resolve(f)), f);
        }

        JsonNode report = JSON.readTree(a.directory().resolve("sae_training.json").toFile());
        JsonNode texts = report.get("texts");
        assertEquals("training_stream", texts.get("source").asText());
        assertEquals(20, texts.get("rows").asInt());
        assertEquals(20 * 64, texts.get("tokens").asLong());
        assertEquals(8000, texts.get("first_stream_step").asLong(), "the step after the card's 8000 training steps");
        assertEquals(32, texts.get("stream_batch_size").asInt());
        assertTrue(texts.get("definition").asText().contains("the evaluation (fit, splice, answer metrics) reads data.corpus"));
        // exclude_bos: every text's position 0 and every BOS opening a packed document left out, one pass
        long activations = 0;
        for (long[] row : lab.training.TrainingStreamTexts.of(SaeTrainingRunnerTest.TOY).texts(20)) {
            for (int p = 1; p < row.length; p++) {
                activations += row[p] == TOY_BOS ? 0 : 1;
            }
        }
        assertTrue(activations < 20 * 63, "the rows pack several documents: " + activations);
        assertEquals(activations / 32, report.get("steps").asLong());
        // the evaluation still reads the corpus prompts (their tokens, not 64-token rows)
        assertTrue(report.get("fit").get("tokens").asLong() < 4 * 20, report.get("fit").toString());
        JsonNode cfg = JSON.readTree(a.directory().resolve("sae/cfg.json").toFile());
        assertTrue(cfg.get("metadata").get("dataset_path").asText().endsWith("training stream from step 8000"));

        // the default reads the corpus, and says so
        ExperimentRunner.Outcome corpus = runner.run(config(SaeTrainingRunnerTest.TOY, "corpus", ""));
        JsonNode corpusTexts = JSON.readTree(corpus.directory().resolve("sae_training.json").toFile()).get("texts");
        assertEquals("corpus", corpusTexts.get("source").asText());
        assertEquals(8, corpusTexts.get("rows").asInt());
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(a.directory().resolve("sae/sae_weights.safetensors")),
                Files.readAllBytes(corpus.directory().resolve("sae/sae_weights.safetensors"))));
    }

    @Test
    void aModelWithoutATrainingStreamIsRefusedBeforeTheRunDirectoryExists() throws Exception {
        Path hf = Fixtures.ROOT.resolve("gpt2-tiny").toAbsolutePath();
        RunConfig config = config(hf, "hf_stream", ", \"texts\": \"training_stream\"");
        var e = assertThrows(IllegalArgumentException.class, () -> new ExperimentRunner(Clock.systemUTC()).run(config));
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        assertTrue(e.getMessage().startsWith(hf + " has no model_card.json"), e.getMessage());
        assertTrue(e.getMessage().contains("use \"texts\": \"corpus\""), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("runs")), "nothing written");

        RunConfig rowsWithCorpus = config(SaeTrainingRunnerTest.TOY, "rows", ", \"stream_rows\": 10");
        var rows = assertThrows(IllegalArgumentException.class, () -> new ExperimentRunner(Clock.systemUTC()).run(rowsWithCorpus));
        assertTrue(rows.getMessage().startsWith("experiment.stream_rows is set but experiment.texts is corpus"), rows.getMessage());
        assertFalse(Files.exists(tmp.resolve("runs")), "nothing written");
    }
}

package lab.harness.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import lab.harness.config.RunConfig;
import lab.harness.config.RunConfigLoader;
import lab.harness.rundir.RunLiveness;
import lab.harness.rundir.RunState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code harness run --resume} of an sae_train run stopped right after a checkpoint (as a kill
 * leaves it: status KILLED, the training state of that step on disk): it ends with the
 * uninterrupted run's SAE byte for byte, the same step rows and the same final figures, topk with
 * AuxK (dead features before and after the stop) and standard. Refused with one error and nothing
 * written: a changed corpus, a FINISHED run, a run without a training state.
 */
class SaeResumeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long STOP_AT = 10;

    @TempDir
    Path tmp;

    private Path corpus;

    RunConfig config(String architecture) throws Exception {
        return config(architecture, "");
    }

    /** @param texts more experiment keys, each after a comma (the text source) */
    RunConfig config(String architecture, String texts) throws Exception {
        // 40 texts: more than one forward's worth, so the stop falls inside an epoch's text order
        List<String> lines = SaeTrainCorpus.lines(40);
        corpus = tmp.resolve("c.jsonl");
        Files.write(corpus, lines);
        String sparsity = architecture.equals("topk") ? "\"k\": 4" : "\"l1_coefficient\": 0.01";
        Path file = tmp.resolve("run.json");
        // absolute paths: the resume reads config.json from the run directory in this JVM's directory
        Files.writeString(file, "{\"name\": \"sae_resume\", \"model\": {\"path\": \"" + SaeTrainingRunnerTest.TOY + "\","
                + " \"device\": \"cpu\"}, \"data\": {\"corpus\": \"" + corpus + "\"}, \"experiment\": {\"type\": \"sae_train\","
                + " \"hook\": \"blocks.1.hook_resid_pre\", \"architecture\": \"" + architecture + "\", \"d_sae\": 32, " + sparsity
                + ", \"batch_size\": 32, \"buffer_tokens\": 128, \"epochs\": 2, \"warmup_steps\": 2, \"checkpoint_every\": 5,"
                + " \"dead_feature_window\": 64, \"eval_examples\": 4, \"panel_features\": 4" + texts + "}, \"metrics\": [\"kl\"], \"seeds\": [3],"
                + " \"output\": {\"root\": \"" + tmp.resolve("runs") + "\", \"mlflow\": \"" + tmp.resolve("mlruns") + "\"}}");
        return new RunConfigLoader(tmp).load(file, List.of());
    }

    @Test
    void aTopkRunWithAuxKResumesToTheUninterruptedResult() throws Exception {
        Path resumed = stopAndResume("topk");
        List<String> rows = Files.readAllLines(resumed.resolve(SaeStepLog.CSV));
        int auxLoss = rows.get(0).indexOf("aux_loss") < 0 ? -1 : List.of(rows.get(0).split(",")).indexOf("aux_loss");
        assertTrue(rows.stream().skip(1).anyMatch(r -> Long.parseLong(r.split(",")[0]) <= STOP_AT
                && Double.parseDouble(r.split(",")[auxLoss]) > 0), "AuxK active before the stop");
        assertTrue(rows.stream().skip(1).anyMatch(r -> Long.parseLong(r.split(",")[0]) > STOP_AT
                && Double.parseDouble(r.split(",")[auxLoss]) > 0), "AuxK active after the resume");
    }

    @Test
    void aStandardRunResumesToTheUninterruptedResult() throws Exception {
        stopAndResume("standard");
    }

    @Test
    void aTrainingStreamRunResumesToTheUninterruptedResult() throws Exception {
        // 24 rows: two forwards an epoch, so the stop falls inside the stream's text order too
        Path dir = stopAndResume("topk", ", \"texts\": \"training_stream\", \"stream_rows\": 24");
        assertEquals("training_stream", JSON.readTree(dir.resolve("sae_training.json").toFile()).get("texts").get("source").asText());
    }

    /** @return the resumed run's directory, checked against an uninterrupted run of the same config */
    private Path stopAndResume(String architecture) throws Exception {
        return stopAndResume(architecture, "");
    }

    private Path stopAndResume(String architecture, String texts) throws Exception {
        RunConfig config = config(architecture, texts);
        ExperimentRunner runner = new ExperimentRunner(Clock.systemUTC());
        Path whole = runner.run(config).directory();
        assertFalse(Files.exists(whole.resolve(SaeTrainingStateFile.FILE)), "a finished run keeps no training state");
        var finished = assertThrows(IllegalArgumentException.class, () -> runner.resume(whole));
        assertTrue(finished.getMessage().endsWith("is FINISHED: there is nothing to resume"), finished.getMessage());

        Path[] stoppedDir = new Path[1];
        RuntimeException stop = new RuntimeException("stopped after the checkpoint of step " + STOP_AT);
        var e = assertThrows(RuntimeException.class, () -> new SaeTrainingRunner(Clock.systemUTC(), step -> {
            if (step == STOP_AT) {
                throw stop;
            }
        }).run(config, d -> stoppedDir[0] = d));
        assertEquals(stop, e);
        Path dir = stoppedDir[0];
        markKilled(dir);
        assertEquals(STOP_AT + 1, Files.readAllLines(dir.resolve(SaeStepLog.CSV)).size(), "header and the rows up to the stop");
        assertTrue(Files.isRegularFile(dir.resolve(SaeTrainingStateFile.FILE)));

        String lines = Files.readString(corpus);
        Files.writeString(corpus, lines.replace("garden", "forest"));
        byte[] statusBefore = Files.readAllBytes(dir.resolve("status.json"));
        byte[] stateBefore = Files.readAllBytes(dir.resolve(SaeTrainingStateFile.FILE));
        var changed = assertThrows(IllegalArgumentException.class, () -> runner.resume(dir));
        assertEquals(1, changed.getMessage().lines().count(), changed.getMessage());
        assertTrue(changed.getMessage().startsWith("cannot resume " + dir + ": the corpus " + corpus), changed.getMessage());
        assertArrayEquals(statusBefore, Files.readAllBytes(dir.resolve("status.json")), "a refused resume writes nothing");
        assertArrayEquals(stateBefore, Files.readAllBytes(dir.resolve(SaeTrainingStateFile.FILE)));
        Files.writeString(corpus, lines);

        // as if the run had been killed after handing the next checkpoint's points to MLflow but before saving
        // its state: the resume must not log those steps again
        Path mse = mlflowRunDir(dir).resolve("metrics/train/mse");
        StringBuilder ahead = new StringBuilder();
        for (long step = STOP_AT + 1; step <= STOP_AT + 5; step++) {
            ahead.append(System.currentTimeMillis()).append(" 0.5 ").append(step).append('\n');
        }
        Files.writeString(mse, Files.readString(mse) + ahead);

        // as ExperimentRunner#resume does, with the checkpoints seen: the resume trains from the stop on, not from 0
        List<Long> checkpoints = new ArrayList<>();
        ExperimentRunner.Outcome outcome = new SaeTrainingRunner(Clock.systemUTC(), checkpoints::add)
                .resume(dir, ResumePlan.check(dir, RunConfigLoader.inWorkingDirectory(), RunLiveness.here()));
        assertEquals(RunState.FINISHED, outcome.state());
        assertEquals(STOP_AT + 5, checkpoints.get(0), "the first checkpoint after the resume " + checkpoints);
        assertTrue(Files.readString(dir.resolve("run.log")).contains("sae_train from its checkpoint at step " + STOP_AT));
        for (String f : new String[] {"sae/sae_weights.safetensors", "sae/sparsity.safetensors", "sae/cfg.json", SaeStepLog.CSV,
            SaePanels.FILE}) {
            assertArrayEquals(Files.readAllBytes(whole.resolve(f)), Files.readAllBytes(dir.resolve(f)), f);
        }
        // every MLflow series holds each step once: nothing logged twice across the stop
        try (var metrics = Files.walk(mlflowRunDir(dir).resolve("metrics"))) {
            for (Path m : metrics.filter(Files::isRegularFile).toList()) {
                List<String> steps = Files.readAllLines(m).stream().map(l -> l.split(" ")[2]).toList();
                assertEquals(steps.size(), new java.util.HashSet<>(steps).size(), m + " repeats a step: " + steps);
            }
        }
        assertEquals(Files.readAllLines(dir.resolve(SaeStepLog.CSV)).size() - 1, Files.readAllLines(mse).size(),
                "one train/mse point per step");
        JsonNode a = JSON.readTree(whole.resolve("sae_training.json").toFile());
        JsonNode b = JSON.readTree(dir.resolve("sae_training.json").toFile());
        for (String key : new String[] {"steps", "tokens", "fit", "splice"}) {
            assertEquals(a.get(key), b.get(key), key);
        }
        assertEquals(untimed(whole), untimed(dir));
        JsonNode resumes = JSON.readTree(dir.resolve("provenance.json").toFile()).get("resumed");
        assertEquals(1, resumes.size(), resumes.toString());
        assertEquals("KILLED", resumes.get(0).get("previous_state").asText());
        assertEquals(STOP_AT, resumes.get(0).get("from_rows").asLong(), "the step rows kept");

        // finished again, and without a training state a killed run has nothing to resume
        markKilled(dir);
        var nothing = assertThrows(IllegalArgumentException.class, () -> runner.resume(dir));
        assertTrue(nothing.getMessage().contains("nothing to resume, start it again"), nothing.getMessage());
        assertEquals(1, nothing.getMessage().lines().count(), nothing.getMessage());
        return dir;
    }

    /** The MLflow run (file store under tmp/mlruns) that the run directory's status.json names. */
    private Path mlflowRunDir(Path dir) throws Exception {
        String runId = JSON.readTree(dir.resolve("status.json").toFile()).get("mlflow_run_id").asText();
        try (var walk = Files.walk(tmp.resolve("mlruns"), 2)) {
            return walk.filter(p -> p.getFileName().toString().equals(runId)).findFirst().orElseThrow();
        }
    }

    static void markKilled(Path dir) throws Exception {
        ObjectNode status = (ObjectNode) JSON.readTree(dir.resolve("status.json").toFile());
        status.put("status", "KILLED");
        Files.writeString(dir.resolve("status.json"), status.toString());
    }

    /** summary.json's rows but the two timing figures. */
    private static List<String> untimed(Path dir) throws Exception {
        List<String> rows = new ArrayList<>();
        for (JsonNode row : JSON.readTree(dir.resolve("summary.json").toFile()).get("rows")) {
            String metric = row.get("metric").asText();
            if (!metric.equals("tokens_per_second") && !metric.equals("matmul_share")) {
                rows.add(metric + "=" + row.get("mean").asDouble());
            }
        }
        assertTrue(rows.size() > 5, rows.toString());
        return rows;
    }
}

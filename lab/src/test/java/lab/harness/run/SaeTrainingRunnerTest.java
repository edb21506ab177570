package lab.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import lab.harness.config.RunConfig;
import lab.harness.config.RunConfigLoader;
import lab.harness.rundir.RunState;
import lab.sae.SaeFolder;
import lab.sae.SparseAutoencoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code harness run} on an sae_train config: the run directory, the SAELens folder, the series, Ctrl+C. */
class SaeTrainingRunnerTest {

    static final Path TOY = Path.of("../data/models/toy").toAbsolutePath().normalize();
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Path writeConfig(int epochs, String seeds) throws Exception {
        List<String> lines = new ArrayList<>();
        String[] names = {"Mary", "John", "Anna", "Carl", "Sam", "Vera"};
        for (int i = 0; i < 12; i++) {
            String a = names[i % 6];
            String b = names[(i + 1) % 6];
            lines.add(String.format("{\"id\": \"e%d\", \"clean\": \"When %s and %s went to the garden , %s gave a hat to\","
                    + " \"corrupt\": \"When %s and %s went to the garden , %s gave a hat to\", \"target\": \" %s\","
                    + " \"foil\": \" %s\", \"group\": \"g%d\"}", i, a, b, b, a, b, a, a, b, i));
        }
        Files.write(tmp.resolve("c.jsonl"), lines);
        Path file = tmp.resolve("run.json");
        Files.writeString(file, "{\"name\": \"tiny_sae\", \"model\": {\"path\": \"" + TOY + "\", \"device\": \"cpu\"},"
                + " \"data\": {\"corpus\": \"c.jsonl\"}, \"experiment\": {\"type\": \"sae_train\", \"hook\": \"blocks.1.hook_resid_pre\","
                + " \"d_sae\": 32, \"k\": 4, \"batch_size\": 32, \"buffer_tokens\": 128, \"epochs\": " + epochs
                + ", \"warmup_steps\": 2, \"checkpoint_every\": 5, \"eval_examples\": 4},"
                + " \"metrics\": [\"logit_diff\", \"kl\"], \"seeds\": " + seeds + ", \"output\": {\"root\": \"runs\", \"mlflow\": \"mlruns\"}}");
        return file;
    }

    @Test
    void aTrainingRunLeavesASaeLensFolderSeriesAndEvaluation() throws Exception {
        RunConfig config = new RunConfigLoader(tmp).load(writeConfig(3, "[0]"), List.of());
        java.util.List<java.nio.file.Path> announced = new java.util.ArrayList<>();
        // a battery task learns its run directory this way (tasks/<i>.started.json)
        ExperimentRunner.Outcome outcome = new ExperimentRunner(Clock.systemUTC()).run(config, announced::add);
        assertEquals(java.util.List.of(outcome.directory()), announced, "the run directory is announced once it is RUNNING");
        assertEquals(RunState.FINISHED, outcome.state());
        Path dir = outcome.directory();
        try (NDManager m = NDManager.newBaseManager(); SparseAutoencoder sae = SaeFolder.read(m, dir.resolve("sae"))) {
            assertEquals("blocks.1.hook_resid_pre", sae.config().hookName());
            assertEquals(64, sae.config().dIn());
            assertEquals(4, sae.config().k());
        }
        assertTrue(Files.isRegularFile(dir.resolve("sae/sparsity.safetensors")));
        JsonNode cfg = JSON.readTree(dir.resolve("sae/cfg.json").toFile());
        for (String key : new String[] {"sae_lens_version", "hook_name", "model_name", "context_size", "prepend_bos"}) {
            assertTrue(cfg.path("metadata").has(key), "metadata." + key);
        }
        List<String> csv = Files.readAllLines(dir.resolve(SaeStepLog.CSV));
        assertTrue(csv.size() > 5, "step rows " + csv.size());
        assertEquals("step,tokens,mse,explained_variance,l0,l1,dead_features,loss,aux_loss,lr", csv.get(0));
        assertTrue(Files.isRegularFile(dir.resolve("sae_explained_variance.png")));
        assertTrue(Files.readString(dir.resolve(SaePanels.FILE)).contains("<a href=\"#f"), "feature panels linked from the map");
        JsonNode report = JSON.readTree(dir.resolve("sae_training.json").toFile());
        double recovered = report.path("splice").path("ce_recovered").asDouble();
        assertTrue(Double.isFinite(recovered), "ce_recovered " + recovered);
        assertTrue(report.path("splice").path("ce_zero_ablated").asDouble() > report.path("splice").path("ce_clean").asDouble());
        assertTrue(report.path("throughput").path("matmul_share").asDouble() > 0);
        assertTrue(report.path("fit").path("explained_variance").asDouble() > 0, report.toString());
        assertEquals(1.0, report.path("aux_k_coefficient").asDouble(), "topk trains with AuxK by default");
        assertEquals(32, report.path("aux_k").asInt(), "k_aux d_in / 2");
        assertEquals("FINISHED", JSON.readTree(dir.resolve("status.json").toFile()).path("status").asText());
        assertTrue(JSON.readTree(dir.resolve("summary.json").toFile()).path("rows").size() > 5);
        JsonNode figures = JSON.readTree(dir.resolve("profile.json").toFile()).path("figures");
        assertEquals(report.path("throughput").path("tokens_per_second").asDouble(), figures.path("sae_tokens_per_second").asDouble(),
                0.0, "the run's profile carries its throughput");
        double share = figures.path("sae_matmul_share").asDouble();
        assertTrue(share > 0 && share <= 1, "share of the matmul rate: " + share);
        try (Stream<Path> s = Files.walk(tmp.resolve("mlruns"))) {
            assertTrue(s.anyMatch(f -> f.endsWith(Path.of("metrics", "train", "explained_variance"))), "MLflow step series");
        }
        try (Stream<Path> s = Files.walk(tmp.resolve("mlruns"))) {
            assertTrue(s.anyMatch(f -> f.endsWith(Path.of("metrics", "train", "aux_loss"))), "MLflow train/aux_loss");
        }
    }

    @Test
    void severalSeedsAreRefusedBeforeARunDirectoryExists() throws Exception {
        RunConfig config = new RunConfigLoader(tmp).load(writeConfig(1, "[0, 1]"), List.of());
        Exception e = assertThrows(IllegalArgumentException.class, () -> new ExperimentRunner(Clock.systemUTC()).run(config));
        assertTrue(e.getMessage().contains("give one seed"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("runs")));
    }

    @Test
    void sigintKeepsTheLastCheckpointAndMarksTheRunKilled() throws Exception {
        writeConfig(100_000, "[0]");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "lab.cli.HarnessCommand", "run", "run.json")
                .directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(tmp.resolve("out.txt").toFile()).start();
        Path sae = waitFor(tmp.resolve("runs"), p);
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            // a JVM started with SIGINT ignored (a non-interactive shell's background job) never sees it
            p.destroyForcibly();
            throw new AssertionError("the run did not stop on SIGINT: " + Files.readString(tmp.resolve("out.txt")));
        }
        assertEquals(130, p.exitValue(), Files.readString(tmp.resolve("out.txt")));
        Path dir = sae.getParent();
        assertEquals("KILLED", JSON.readTree(dir.resolve("status.json").toFile()).get("status").asText());
        Path kept = Files.isDirectory(sae) ? sae : dir.resolve("sae.old");
        try (NDManager m = NDManager.newBaseManager(); SparseAutoencoder back = SaeFolder.read(m, kept)) {
            assertEquals("blocks.1.hook_resid_pre", back.config().hookName());
        }
    }

    private static Path waitFor(Path runs, Process p) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline && p.isAlive()) {
            if (Files.isDirectory(runs)) {
                try (Stream<Path> s = Files.list(runs)) {
                    for (Path dir : s.toList()) {
                        if (Files.isRegularFile(dir.resolve("sae/cfg.json"))) {
                            return dir.resolve("sae");
                        }
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no checkpoint appeared; process alive: " + p.isAlive());
    }
}

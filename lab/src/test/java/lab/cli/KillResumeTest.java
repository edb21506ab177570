package lab.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import lab.harness.config.RunConfigLoader;
import lab.harness.run.ExperimentRunner;
import lab.harness.rundir.FinishedRuns;
import lab.harness.rundir.RunStatusFile;
import lab.runtime.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run that never loses work: a real {@code harness run} subprocess killed with SIGKILL
 * mid-run shows as STALE, is resumed in a subprocess that is killed again, is marked KILLED by
 * {@code harness status --mark-stale}, is resumed to the end, and its results.parquet equals an
 * uninterrupted run's row by row (and its summaries byte for byte). Two JVMs load libtorch here, so this takes
 * 10-40 s (more on a loaded machine): the one test of what a real kill leaves.
 */
class KillResumeTest {

    private static final int SEEDS = 60;

    @TempDir
    Path tmp;

    @Test
    void aRunKilledTwiceResumesToTheSameResultsAsAnUninterruptedOne() throws Exception {
        Path config = writeConfig();
        Process first = harnessProcess("run", config.toString());
        Path dir = waitForSeeds(tmp.resolve("runs"), first, 2);
        kill9(first);
        int keptFirst = RunStatusFile.read(dir).orElseThrow().rowsFlushed();

        CliTest.Outcome stale = CliTest.harness("status", dir.toString());
        assertTrue(stale.out().startsWith("STALE"), stale.out());
        assertTrue(stale.out().contains("is gone"), stale.out());
        assertTrue(FinishedRuns.scan(tmp.resolve("runs")).find(FinishedRuns.configHash(dir).orElseThrow()).isEmpty(),
                "a STALE run is not finished for --skip-existing");

        Process second = harnessProcess("run", "--resume", dir.toString());
        waitForSeeds(tmp.resolve("runs"), second, RunStatusFile.read(dir).orElseThrow().seedsDone() + 2);
        kill9(second);
        assertTrue(mlflowMeta(dir).contains("status: 1"), "the dead process left its MLflow run RUNNING");
        CliTest.Outcome marked = CliTest.harness("status", "--mark-stale", "--root", tmp.resolve("runs").toString());
        assertTrue(marked.out().startsWith("STALE") && marked.out().contains("marked KILLED in status.json and in MLflow"),
                marked.out());
        assertTrue(CliTest.harness("status", dir.toString()).out().startsWith("KILLED"));
        assertTrue(mlflowMeta(dir).contains("status: 5"), mlflowMeta(dir));
        int keptSecond = RunStatusFile.read(dir).orElseThrow().rowsFlushed();
        assertTrue(keptSecond > keptFirst, keptSecond + " rows after the second kill, " + keptFirst + " after the first");

        CliTest.Outcome resumed = CliTest.harness("run", "--resume", dir.toString());
        assertEquals(0, resumed.code(), resumed.err());
        assertEquals("FINISHED " + dir, resumed.out().strip());
        String line = CliTest.harness("status", dir.toString()).out();
        assertTrue(line.matches("(?s)FINISHED +" + SEEDS + "/" + SEEDS + " seeds +" + SEEDS * 3 * 8 + " rows .*"), line);

        Path uninterrupted = new ExperimentRunner(Clock.systemUTC()).run(new RunConfigLoader(tmp).load(config, List.of())).directory();
        assertSameRows(dir.resolve("results.parquet"), uninterrupted.resolve("results.parquet"));
        for (String f : new String[] {"summary.json", "summary.csv"}) {
            assertArrayEquals(Files.readAllBytes(uninterrupted.resolve(f)), Files.readAllBytes(dir.resolve(f)), f);
        }
        JsonNode resumes = new ObjectMapper().readTree(dir.resolve("provenance.json").toFile()).get("resumed");
        assertEquals(2, resumes.size(), resumes.toString());
        assertEquals("STALE", resumes.get(0).get("previous_state").asText());
        assertEquals(keptFirst, resumes.get(0).get("from_rows").asInt());
        assertEquals("KILLED", resumes.get(1).get("previous_state").asText());
        assertEquals(keptSecond, resumes.get(1).get("from_rows").asInt());
        String meta = mlflowMeta(dir);
        assertTrue(meta.contains("status: 3") && !meta.contains("end_time: null"), "the same MLflow run, FINISHED: " + meta);
    }

    /**
     * An sae_train run killed with SIGKILL after a checkpoint (wherever it was then) resumes from its
     * training state to the uninterrupted run's SAE, byte for byte, and the same step rows.
     */
    @Test
    void anSaeTrainRunKilledMidwayResumesToTheUninterruptedSae() throws Exception {
        Files.write(tmp.resolve("sae.jsonl"), lab.harness.run.SaeTrainCorpus.lines(40));
        Path config = tmp.resolve("sae.json");
        Files.writeString(config, "{\"name\": \"sae_killed\", \"model\": {\"path\": \""
                + Path.of("../data/models/toy").toAbsolutePath().normalize() + "\", \"device\": \"cpu\"}, \"data\": {\"corpus\": \""
                + tmp.resolve("sae.jsonl") + "\"}, \"experiment\": {\"type\": \"sae_train\", \"hook\": \"blocks.1.hook_resid_pre\","
                + " \"d_sae\": 64, \"k\": 4, \"batch_size\": 32, \"buffer_tokens\": 256, \"epochs\": 40, \"warmup_steps\": 5,"
                + " \"checkpoint_every\": 20, \"dead_feature_window\": 256, \"eval_examples\": 4, \"panel_features\": 0},"
                + " \"metrics\": [\"kl\"], \"seeds\": [0], \"output\": {\"root\": \"" + tmp.resolve("runs") + "\", \"mlflow\": \""
                + tmp.resolve("mlruns") + "\"}}");
        Process run = harnessProcess("run", config.toString());
        String state = "sae_train_state.safetensors";
        Path dir = waitFor(tmp.resolve("runs"), run, state, d -> Files.isRegularFile(d.resolve(state)));
        kill9(run);
        assertTrue(CliTest.harness("status", dir.toString()).out().startsWith("STALE"));

        CliTest.Outcome resumed = CliTest.harness("run", "--resume", dir.toString());
        assertEquals(0, resumed.code(), resumed.err());
        assertEquals("FINISHED " + dir, resumed.out().strip());
        Path uninterrupted = new ExperimentRunner(Clock.systemUTC()).run(new RunConfigLoader(tmp).load(config, List.of())).directory();
        for (String f : new String[] {"sae/sae_weights.safetensors", "sae/sparsity.safetensors", "sae_steps.csv"}) {
            assertArrayEquals(Files.readAllBytes(uninterrupted.resolve(f)), Files.readAllBytes(dir.resolve(f)), f);
        }
        JsonNode resumes = new ObjectMapper().readTree(dir.resolve("provenance.json").toFile()).get("resumed");
        assertEquals("STALE", resumes.get(0).get("previous_state").asText());
        int from = resumes.get(0).get("from_rows").asInt();
        int steps = new ObjectMapper().readTree(dir.resolve("sae_training.json").toFile()).get("steps").asInt();
        assertTrue(from > 0 && from % 20 == 0 && from < steps, "resumed from step " + from + " of " + steps);
        String meta = mlflowMeta(dir);
        assertTrue(meta.contains("status: 3"), "the same MLflow run, FINISHED: " + meta);
    }

    private Path writeConfig() throws Exception {
        StringBuilder corpus = new StringBuilder();
        String[] names = {"Mary", "John"};
        String[] places = {"store", "park", "school", "office"};
        for (int i = 0; i < 8; i++) {
            String a = names[i % 2];
            String b = names[(i + 1) % 2];
            String place = places[i / 2];
            corpus.append(String.format("{\"id\": \"e%d\", \"clean\": \"When %s and %s went to the %s, %s gave a drink to\","
                    + " \"corrupt\": \"When %s and %s went to the %s, %s gave a drink to\", \"target\": \" %s\","
                    + " \"foil\": \" %s\", \"group\": \"g%d\"}%n", i, a, b, place, b, a, b, place, a, a, b, i % 3));
        }
        Files.writeString(tmp.resolve("c.jsonl"), corpus);
        StringBuilder seeds = new StringBuilder("[0");
        for (int s = 1; s < SEEDS; s++) {
            seeds.append(',').append(s);
        }
        // absolute paths: the killed runs start in tmp, the last resume runs in this JVM's directory
        Path config = tmp.resolve("run.json");
        Files.writeString(config, "{\"name\": \"killed\", \"model\": {\"path\": \"" + Fixtures.dir("gpt2-tiny").toAbsolutePath()
                + "\", \"device\": \"cpu\", \"prepend_bos\": false}, \"data\": {\"corpus\": \"" + tmp.resolve("c.jsonl")
                + "\", \"n_examples\": 3}, \"experiment\": {\"type\": \"heads_zero\", \"scales\": [0.0]},"
                + " \"metrics\": [\"kl\", \"logit_diff\"], \"seeds\": " + seeds + "], \"output\": {\"root\": \"" + tmp.resolve("runs")
                + "\", \"mlflow\": \"" + tmp.resolve("mlruns") + "\"}}");
        return config;
    }

    private Process harnessProcess(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HarnessCommand.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(tmp.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(tmp.resolve("out.txt").toFile())).start();
    }

    /** The run directory, once its status.json records at least {@code seeds} finished seeds while the process lives. */
    private Path waitForSeeds(Path runs, Process p, int seeds) throws Exception {
        return waitFor(runs, p, seeds + " seeds", dir -> {
            var status = RunStatusFile.read(dir);
            return status.isPresent() && status.get().seedsDone() != null && status.get().seedsDone() >= seeds;
        });
    }

    /** The first run directory that is {@code reached} while the process lives. */
    private Path waitFor(Path runs, Process p, String what, java.util.function.Predicate<Path> reached) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline && p.isAlive()) {
            if (Files.isDirectory(runs)) {
                try (Stream<Path> s = Files.list(runs)) {
                    for (Path dir : s.toList()) {
                        if (reached.test(dir)) {
                            return dir;
                        }
                    }
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no run reached " + what + "; process alive: " + p.isAlive() + "\n"
                + Files.readString(tmp.resolve("out.txt")));
    }

    private static void kill9(Process p) throws Exception {
        new ProcessBuilder("kill", "-KILL", Long.toString(p.pid())).start().waitFor();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the run did not die on SIGKILL");
        assertEquals(137, p.exitValue());
    }

    private String mlflowMeta(Path runDir) throws Exception {
        try (Stream<Path> s = Files.walk(tmp.resolve("mlruns"))) {
            List<Path> metas = s.filter(f -> f.getFileName().toString().equals("meta.yaml")).toList();
            String runName = "run_name: \"" + runDir.getFileName() + "\"";
            List<String> matching = new java.util.ArrayList<>();
            for (Path m : metas) {
                if (Files.readString(m).contains(runName)) {
                    matching.add(Files.readString(m));
                }
            }
            assertEquals(1, matching.size(), "one MLflow run for " + runDir.getFileName());
            return matching.get(0);
        }
    }

    /** Row by row, in file order: every column of row i of a equals row i of b, and both have as many rows. */
    private static void assertSameRows(Path a, Path b) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             ResultSet rs = c.createStatement().executeQuery("WITH a AS (SELECT *, row_number() OVER () AS i FROM read_parquet('" + a
                     + "')), b AS (SELECT *, row_number() OVER () AS i FROM read_parquet('" + b + "'))"
                     + " SELECT count(*) FILTER (WHERE a.i IS NULL OR b.i IS NULL OR a.example_id IS DISTINCT FROM b.example_id"
                     + " OR a.seed IS DISTINCT FROM b.seed OR a.\"group\" IS DISTINCT FROM b.\"group\" OR a.layer IS DISTINCT FROM b.layer"
                     + " OR a.head IS DISTINCT FROM b.head OR a.scale IS DISTINCT FROM b.scale OR a.kl IS DISTINCT FROM b.kl"
                     + " OR a.logit_diff IS DISTINCT FROM b.logit_diff OR a.clean_logit_diff IS DISTINCT FROM b.clean_logit_diff),"
                     + " count(*), count(DISTINCT a.seed) FROM a FULL JOIN b ON a.i = b.i")) {
            rs.next();
            assertEquals(0, rs.getLong(1), "rows that differ");
            assertEquals(SEEDS * 3 * 8, rs.getLong(2), "seeds x examples x heads");
            assertEquals(SEEDS, rs.getLong(3));
        }
    }
}

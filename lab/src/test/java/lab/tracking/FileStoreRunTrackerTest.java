package lab.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStoreRunTrackerTest {

    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path tmp;

    private final TestClock clock = new TestClock(T0);

    private RunTracker start(Path store, RunSpec spec) {
        return RunTrackers.start(store.toString(), spec, clock, Map.of());
    }

    private static Path runDir(Path store, RunTracker run) {
        return store.resolve(run.experimentId()).resolve(run.runId());
    }

    @Test
    void newStoreGetsDefaultExperimentTrashAndANewExperiment() throws IOException {
        Path store = tmp.resolve("mlruns");
        try (RunTracker run = start(store, RunSpec.of("ablation: heads", "baseline"))) {
            assertEquals("1", run.experimentId());
            run.finish(RunStatus.FINISHED);
        }
        assertTrue(Files.isDirectory(store.resolve(".trash")));
        Map<String, Object> defaultMeta = MetaYaml.read(store.resolve("0"));
        assertEquals("Default", defaultMeta.get("name"));
        assertEquals("0", defaultMeta.get("experiment_id"));
        assertEquals("file://" + store.resolve("0").toAbsolutePath(), defaultMeta.get("artifact_location"));

        Map<String, Object> meta = MetaYaml.read(store.resolve("1"));
        assertEquals("ablation: heads", meta.get("name"));
        assertEquals("1", meta.get("experiment_id"));
        assertEquals("active", meta.get("lifecycle_stage"));
        assertEquals(T0, ((Number) meta.get("creation_time")).longValue());
        assertEquals(T0, ((Number) meta.get("last_update_time")).longValue());
        assertEquals("file://" + store.resolve("1").toAbsolutePath(), meta.get("artifact_location"));
        // strings are quoted: an unquoted ": " in a name would break MLflow's YAML reader
        String text = Files.readString(store.resolve("1/meta.yaml"));
        assertTrue(text.contains("name: \"ablation: heads\"\n"), text);
        assertTrue(text.contains("experiment_id: \"1\"\n"), text);
        assertTrue(text.contains("creation_time: " + T0 + "\n"), text);
    }

    @Test
    void lastStepIsTheLargestStepLoggedForTheKey() throws IOException {
        Path store = tmp.resolve("mlruns");
        try (RunTracker run = start(store, RunSpec.of("exp", "r"))) {
            assertEquals(java.util.OptionalLong.empty(), run.lastStep("train/mse"));
            run.logMetrics(List.of(new MetricPoint("train/mse", 0.5, 12, T0), new MetricPoint("train/mse", 0.4, 3, T0),
                    new MetricPoint("train/l0", 1.0, 40, T0)));
            run.logMetric("train/mse", 0.3, 9);
            assertEquals(java.util.OptionalLong.of(12), run.lastStep("train/mse"));
            assertEquals(java.util.OptionalLong.of(40), run.lastStep("train/l0"));
        }
    }

    @Test
    void runFolderHasMlflowLayoutAndRunningMeta() throws IOException {
        Path store = tmp.resolve("mlruns");
        RunSpec spec = RunSpec.of("exp", "run-7").withGitCommit("0123abcd")
                .withSourceName("lab.cli.HarnessCommand")
                .withTags(Map.of("lab.config.sha256", "c0ffee"));
        RunTracker run = start(store, spec);
        Path dir = runDir(store, run);
        assertTrue(run.runId().matches("[0-9a-f]{32}"), run.runId());
        for (String sub : List.of("metrics", "params", "tags", "artifacts")) {
            assertTrue(Files.isDirectory(dir.resolve(sub)), sub);
        }
        Map<String, Object> meta = MetaYaml.read(dir);
        assertEquals(run.runId(), meta.get("run_id"));
        assertEquals("1", meta.get("experiment_id"));
        assertEquals("run-7", meta.get("run_name"));
        assertEquals(1, meta.get("status"));
        assertEquals(T0, ((Number) meta.get("start_time")).longValue());
        assertTrue(meta.containsKey("end_time"));
        assertNull(meta.get("end_time"));
        assertEquals(System.getProperty("user.name"), meta.get("user_id"));
        assertEquals("active", meta.get("lifecycle_stage"));
        assertEquals(4, meta.get("source_type"));
        assertEquals("", meta.get("source_name"));
        assertEquals(List.of(), meta.get("tags"));
        String artifactUri = "file://" + store.toAbsolutePath() + "/1/" + run.runId() + "/artifacts";
        assertEquals(artifactUri, meta.get("artifact_uri"));
        assertEquals(artifactUri, run.artifactUri());

        assertEquals("run-7", Files.readString(dir.resolve("tags/mlflow.runName")));
        assertEquals("0123abcd", Files.readString(dir.resolve("tags/mlflow.source.git.commit")));
        assertEquals("lab.cli.HarnessCommand", Files.readString(dir.resolve("tags/mlflow.source.name")));
        assertEquals("LOCAL", Files.readString(dir.resolve("tags/mlflow.source.type")));
        assertEquals(System.getProperty("user.name"), Files.readString(dir.resolve("tags/mlflow.user")));
        assertEquals("c0ffee", Files.readString(dir.resolve("tags/lab.config.sha256")));
        run.close();
    }

    @Test
    void paramsMetricsTagsAndArtifactsAreWrittenAsMlflowReadsThem() throws IOException {
        Path store = tmp.resolve("mlruns");
        Path out = Files.createDirectories(tmp.resolve("out/plots"));
        Files.writeString(tmp.resolve("out/summary.json"), "{\"acc\": 0.9}");
        Files.write(out.resolve("heads.png"), new byte[] {1, 2, 3});

        try (RunTracker run = start(store, RunSpec.of("exp", "r"))) {
            Path dir = runDir(store, run);
            run.logParams(Map.of("model.n_layers", "2", "data/path", "/d/x.txt", "lr", "1e-3"));
            run.logMetric("loss", 0.5, 0);
            clock.advance(10);
            run.logMetrics(List.of(MetricPoint.of("ignored", 0, 0)).subList(0, 0));
            run.logMetrics(List.of(new MetricPoint("loss", 0.25, 1, clock.millis()),
                    new MetricPoint("eval/acc", 1.0E-5, 3, clock.millis()),
                    new MetricPoint("loss", Double.NaN, 2, clock.millis())));
            run.setTags(Map.of("lab.weights.sha256", "abc", "mlflow.runName", "renamed"));
            run.logArtifacts(tmp.resolve("out"));
            run.logArtifacts(tmp.resolve("out/plots"), "again/here");

            assertEquals("2", Files.readString(dir.resolve("params/model.n_layers")));
            assertEquals("/d/x.txt", Files.readString(dir.resolve("params/data/path")));
            assertEquals("1e-3", Files.readString(dir.resolve("params/lr")));
            long ts = clock.millis();
            assertEquals(T0 + " 0.5 0\n" + ts + " 0.25 1\n" + ts + " NaN 2\n",
                    Files.readString(dir.resolve("metrics/loss")));
            assertEquals(ts + " 1.0E-5 3\n", Files.readString(dir.resolve("metrics/eval/acc")));
            assertFalse(Files.exists(dir.resolve("metrics/ignored")));
            assertEquals("abc", Files.readString(dir.resolve("tags/lab.weights.sha256")));
            assertEquals("renamed", Files.readString(dir.resolve("tags/mlflow.runName")));
            assertEquals("{\"acc\": 0.9}", Files.readString(dir.resolve("artifacts/summary.json")));
            assertEquals(List.of(1, 2, 3), bytes(dir.resolve("artifacts/plots/heads.png")));
            assertEquals(List.of(1, 2, 3), bytes(dir.resolve("artifacts/again/here/heads.png")));
            run.finish(RunStatus.FINISHED);
            assertNoTempFiles(store);
        }
    }

    @Test
    void paramsAreImmutableAndAConflictingBatchWritesNothing() throws IOException {
        Path store = tmp.resolve("mlruns");
        try (RunTracker run = start(store, RunSpec.of("exp", "r"))) {
            run.logParams(Map.of("seed", "1"));
            run.logParams(Map.of("seed", "1")); // same value again: fine
            var e = assertThrows(IllegalArgumentException.class,
                    () -> run.logParams(Map.of("aaa", "new", "seed", "2")));
            assertTrue(e.getMessage().contains("'seed' was already logged as '1'"), e.getMessage());
            Path dir = runDir(store, run);
            assertEquals("1", Files.readString(dir.resolve("params/seed")));
            assertFalse(Files.exists(dir.resolve("params/aaa")));
        }
    }

    @Test
    void invalidKeysFailBeforeAnythingIsWritten() throws IOException {
        Path store = tmp.resolve("mlruns");
        try (RunTracker run = start(store, RunSpec.of("exp", "r"))) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> run.logParams(Map.of("ok", "1", "bad/../key", "2")));
            assertEquals("invalid MLflow param key 'bad/../key': must not contain a '..' path segment",
                    e.getMessage());
            var m = assertThrows(IllegalArgumentException.class,
                    () -> run.logMetrics(List.of(MetricPoint.of("fine", 1, 0), MetricPoint.of("a|b", 1, 0))));
            assertTrue(m.getMessage().startsWith("invalid MLflow metric key 'a|b'"), m.getMessage());
            var t = assertThrows(IllegalArgumentException.class, () -> run.setTags(Map.of("", "x")));
            assertEquals("invalid MLflow tag key '': a key must not be empty", t.getMessage());
            Path dir = runDir(store, run);
            assertEquals(List.of(), list(dir.resolve("params")));
            assertEquals(List.of(), list(dir.resolve("metrics")));
        }
    }

    @Test
    void finishRecordsStatusCodeAndEndTimeOnceAndCloseMarksUnfinishedRunsFailed() throws IOException {
        Path store = tmp.resolve("mlruns");
        RunTracker done = start(store, RunSpec.of("exp", "done"));
        clock.advance(5_000);
        done.finish(RunStatus.FINISHED);
        clock.advance(1_000);
        done.finish(RunStatus.KILLED); // ignored: the first finish wins
        done.close();
        Map<String, Object> meta = MetaYaml.read(runDir(store, done));
        assertEquals(3, meta.get("status"));
        assertEquals(T0 + 5_000, ((Number) meta.get("end_time")).longValue());
        assertEquals(T0, ((Number) meta.get("start_time")).longValue());
        assertEquals(RunStatus.FINISHED, done.status());

        RunTracker killed = start(store, RunSpec.of("exp", "killed"));
        killed.finish(RunStatus.KILLED);
        assertEquals(5, MetaYaml.read(runDir(store, killed)).get("status"));
        killed.close();

        RunTracker crashed = start(store, RunSpec.of("exp", "crashed"));
        crashed.close();
        assertEquals(4, MetaYaml.read(runDir(store, crashed)).get("status"));
        assertEquals(RunStatus.FAILED, crashed.status());
        assertThrows(IllegalStateException.class, () -> crashed.logMetric("x", 1));
        assertThrows(IllegalArgumentException.class, () -> killed.finish(RunStatus.RUNNING));
        assertNoTempFiles(store);
    }

    @Test
    void experimentIsReusedByNameAndNewNamesGetTheNextId() throws IOException {
        Path store = tmp.resolve("mlruns");
        RunTracker a = start(store, RunSpec.of("alpha", "1"));
        RunTracker b = start(store, RunSpec.of("beta", "1"));
        RunTracker a2 = start(store, RunSpec.of("alpha", "2"));
        RunTracker dflt = start(store, RunSpec.of("Default", "x"));
        assertEquals("1", a.experimentId());
        assertEquals("2", b.experimentId());
        assertEquals("1", a2.experimentId());
        assertEquals("0", dflt.experimentId());
        assertNotEquals(a.runId(), a2.runId());
        assertEquals(Stream.of(".trash", "0", "1", "2").sorted().toList(),
                list(store).stream().filter(n -> !n.equals(MlflowFileStore.LOCK_FILE)).sorted().toList());
        for (RunTracker r : List.of(a, b, a2, dflt)) {
            r.close();
        }
    }

    @Test
    void reusesAnExperimentWrittenByMlflowItselfAndSkipsIdsInTrash() throws IOException {
        Path store = Files.createDirectories(tmp.resolve("mlruns"));
        Files.createDirectories(store.resolve(".trash/9"));
        Files.writeString(store.resolve(".trash/9/meta.yaml"), "experiment_id: '9'\nname: gone\n");
        Path exp = Files.createDirectories(store.resolve("4"));
        // PyYAML's style: plain/single-quoted scalars, a long name folded over two lines
        Files.writeString(exp.resolve("meta.yaml"), "artifact_location: mlflow-artifacts:/4\n"
                + "creation_time: 1\nexperiment_id: '4'\nlast_update_time: 1\n"
                + "lifecycle_stage: active\nname: 'a long name that PyYAML\n  folded'\n");
        RunTracker run = start(store, RunSpec.of("a long name that PyYAML folded", "r"));
        assertEquals("4", run.experimentId());
        assertEquals("mlflow-artifacts:/4/" + run.runId() + "/artifacts", run.artifactUri());
        var e = assertThrows(TrackingException.class, () -> run.logArtifacts(tmp));
        assertTrue(e.getMessage().contains("only file: locations"), e.getMessage());
        run.close();

        try (RunTracker fresh = start(store, RunSpec.of("new one", "r"))) {
            assertEquals("10", fresh.experimentId()); // 9 is taken by a deleted experiment
        }
        var deleted = assertThrows(TrackingException.class, () -> start(store, RunSpec.of("gone", "r")));
        assertTrue(deleted.getMessage().contains("'gone' (id 9) is deleted"), deleted.getMessage());
        // an existing store is not given a Default experiment
        assertFalse(Files.exists(store.resolve("0")));
    }

    @Test
    void fileUriTargetsAndRelativePathsWork() throws IOException {
        Path store = tmp.resolve("via uri");
        try (RunTracker run = RunTrackers.start(store.toUri().toString(), RunSpec.of("e", "r"), clock, Map.of())) {
            assertTrue(Files.isRegularFile(runDir(store, run).resolve("meta.yaml")));
            // a space is percent-encoded in the artifact URI, as Python's Path.as_uri() does
            assertTrue(run.artifactUri().startsWith("file://" + tmp.toAbsolutePath() + "/via%20uri/1/"),
                    run.artifactUri());
            Files.writeString(tmp.resolve("a.txt"), "A");
            run.logArtifacts(tmp, null);
            assertEquals("A", Files.readString(runDir(store, run).resolve("artifacts/a.txt")));
        }
    }

    private static void assertNoTempFiles(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            List<Path> temps = all.filter(p -> p.getFileName().toString().endsWith(".tmp"))
                    .toList();
            assertEquals(List.of(), temps);
        }
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    private static List<Integer> bytes(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        return java.util.stream.IntStream.range(0, b.length).mapToObj(i -> (int) b[i]).toList();
    }
}

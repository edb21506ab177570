package lab.tracking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestRunTrackerTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final String API = "/api/2.0/mlflow/";
    private static final String USER = System.getProperty("user.name");

    @TempDir
    Path tmp;

    private StubMlflowServer server;
    private final TestClock clock = new TestClock(T0);

    @BeforeEach
    void startServer() throws IOException {
        server = new StubMlflowServer();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private RunTracker start(RunSpec spec) {
        return start(spec, Map.of());
    }

    private RunTracker start(RunSpec spec, Map<String, String> env) {
        return RunTrackers.start(server.uri() + "/", spec, clock, env);
    }

    @Test
    void createsExperimentAndRunWithSystemTags() {
        RunTracker run = start(RunSpec.of("exp a", "run-1").withGitCommit("deadbeef")
                .withTags(Map.of("lab.data.sha256", "d474")));
        assertEquals(StubMlflowServer.RUN_ID, run.runId());
        assertEquals("7", run.experimentId());
        assertEquals("mlflow-artifacts:/7/" + StubMlflowServer.RUN_ID + "/artifacts", run.artifactUri());

        JsonNode search = single("POST", API + "experiments/search").json();
        assertEquals("name = 'exp a'", search.get("filter").asText());
        assertEquals("ALL", search.get("view_type").asText());
        var creates = server.requests("POST", API + "experiments/create");
        assertEquals(1, creates.size());
        assertEquals("{\"name\":\"exp a\"}", compact(creates.get(0).json()));
        assertEquals("application/json", creates.get(0).header("Content-type"));

        JsonNode createRun = single("POST", API + "runs/create").json();
        assertEquals("7", createRun.get("experiment_id").asText());
        assertEquals("run-1", createRun.get("run_name").asText());
        assertEquals(USER, createRun.get("user_id").asText());
        assertEquals(T0, createRun.get("start_time").asLong());

        JsonNode batch = single("POST", API + "runs/log-batch").json();
        assertEquals(StubMlflowServer.RUN_ID, batch.get("run_id").asText());
        assertEquals(Map.of("mlflow.runName", "run-1", "mlflow.user", USER,
                "mlflow.source.type", "LOCAL", "mlflow.source.git.commit", "deadbeef",
                "lab.data.sha256", "d474"), keyValues(batch.get("tags")));
        assertNull(batch.get("params"));
        assertNull(batch.get("metrics"));
        run.close();
    }

    @Test
    void reusesAnExistingExperimentAndRefusesADeletedOne() {
        server.experiments.put("known", new String[] {"3", "active"});
        try (RunTracker run = start(RunSpec.of("known", "r"))) {
            assertEquals("3", run.experimentId());
            assertEquals(List.of(), server.requests("POST", API + "experiments/create"));
            assertEquals("3", single("POST", API + "runs/create").json().get("experiment_id").asText());
        }
        server.experiments.put("binned", new String[] {"4", "deleted"});
        var e = assertThrows(TrackingException.class, () -> start(RunSpec.of("binned", "r")));
        assertTrue(e.getMessage().contains("'binned' (id 4) is deleted"), e.getMessage());
    }

    @Test
    void logsParamsMetricsTagsAndFinishesWithStatusAndEndTime() {
        RunTracker run = start(RunSpec.of("e", "r"));
        int before = server.requests.size();
        run.logParams(Map.of("model.n_layers", "2", "lr", "0.001"));
        run.logMetric("loss", 0.5, 0);
        run.logMetrics(List.of(new MetricPoint("loss", Double.NaN, 1, T0 + 1),
                new MetricPoint("eval/acc", 1.0E-5, 2, T0 + 2)));
        run.setTags(Map.of("lab.weights.sha256", "w8"));
        clock.advance(42_000);
        run.finish(RunStatus.KILLED);
        run.finish(RunStatus.FINISHED); // ignored
        run.close();

        List<StubMlflowServer.Request> sent = server.requests.subList(before, server.requests.size());
        assertEquals(List.of("POST " + API + "runs/log-batch", "POST " + API + "runs/log-batch",
                "POST " + API + "runs/log-batch", "POST " + API + "runs/log-batch",
                "POST " + API + "runs/update"),
                sent.stream().map(r -> r.method() + " " + r.path()).toList());
        assertEquals(Map.of("model.n_layers", "2", "lr", "0.001"), keyValues(sent.get(0).json().get("params")));

        JsonNode one = sent.get(1).json().get("metrics");
        assertEquals(1, one.size());
        assertEquals("loss", one.get(0).get("key").asText());
        assertEquals(0.5, one.get(0).get("value").asDouble());
        assertEquals(T0, one.get(0).get("timestamp").asLong());
        // absent = 0 in proto3 JSON
        assertEquals(0, one.get(0).path("step").asLong());

        JsonNode two = sent.get(2).json().get("metrics");
        assertEquals("NaN", two.get(0).get("value").asText());
        assertEquals(1, two.get(0).get("step").asLong());
        assertEquals("eval/acc", two.get(1).get("key").asText());
        assertEquals(1.0E-5, two.get(1).get("value").asDouble());
        assertEquals(T0 + 2, two.get(1).get("timestamp").asLong());
        assertEquals(Map.of("lab.weights.sha256", "w8"), keyValues(sent.get(3).json().get("tags")));

        JsonNode update = sent.get(4).json();
        assertEquals(StubMlflowServer.RUN_ID, update.get("run_id").asText());
        assertEquals("KILLED", update.get("status").asText());
        assertEquals(T0 + 42_000, update.get("end_time").asLong());
        assertEquals(RunStatus.KILLED, run.status());
    }

    @Test
    void lastStepReadsTheRunsMetricHistory() {
        try (RunTracker run = start(RunSpec.of("e", "r"))) {
            assertEquals(java.util.OptionalLong.empty(), run.lastStep("train/mse"));
            run.logMetrics(List.of(new MetricPoint("train/mse", 0.5, 3, T0), new MetricPoint("train/mse", 0.4, 7, T0),
                    new MetricPoint("train/l0", 2.0, 9, T0)));
            assertEquals(java.util.OptionalLong.of(7), run.lastStep("train/mse"));
            StubMlflowServer.Request asked = server.requests.get(server.requests.size() - 1);
            assertEquals("GET " + API + "metrics/get-history", asked.method() + " " + asked.path());
            assertTrue(asked.query().contains("metric_key=train%2Fmse") || asked.query().contains("metric_key=train/mse"),
                    asked.query());
        }
    }

    @Test
    void closeWithoutFinishReportsFailed() {
        start(RunSpec.of("e", "r")).close();
        JsonNode update = single("POST", API + "runs/update").json();
        assertEquals("FAILED", update.get("status").asText());
    }

    @Test
    void largeBatchesAreSplitWithinMlflowLimits() {
        try (RunTracker run = start(RunSpec.of("e", "r"))) {
            int before = server.requests.size();
            Map<String, String> params = new TreeMap<>();
            for (int i = 0; i < 250; i++) {
                params.put(String.format("p%03d", i), "v" + i);
            }
            run.logParams(params);
            List<MetricPoint> series = new ArrayList<>();
            for (int step = 0; step < 2500; step++) {
                series.add(new MetricPoint("train/loss", 1.0 / (step + 1), step, T0 + step));
            }
            run.logMetrics(series);
            var sent = server.requests.subList(before, server.requests.size());
            assertEquals(List.of(100, 100, 50, 1000, 1000, 500), sent.stream()
                    .map(r -> r.json().has("params") ? r.json().get("params").size()
                            : r.json().get("metrics").size()).toList());
            assertEquals("p100", sent.get(1).json().get("params").get(0).get("key").asText());
            assertEquals(2000, sent.get(5).json().get("metrics").get(0).get("step").asLong());
            run.finish(RunStatus.FINISHED);
        }
    }

    @Test
    void aChangedParamIsRefusedLocallyWithoutARequest() {
        try (RunTracker run = start(RunSpec.of("e", "r"))) {
            run.logParams(Map.of("seed", "1"));
            int before = server.requests.size();
            run.logParams(Map.of("seed", "1")); // same value: nothing to send
            var e = assertThrows(IllegalArgumentException.class,
                    () -> run.logParams(Map.of("aaa", "x", "seed", "2")));
            assertTrue(e.getMessage().contains("'seed' was already logged as '1'"), e.getMessage());
            assertEquals(before, server.requests.size());
        }
    }

    @Test
    void aChangedParamRefusedByTheServerIsTheCallersError() {
        // what MLflow 3.11's server answers over a file store when another client logged it
        server.logBatchAnswer = body -> body.has("params")
                ? new Object[] {500, "{\"error_code\": \"INTERNAL_ERROR\", \"message\": "
                        + "\"Changing param values is not allowed. Param with key='seed' was already "
                        + "logged with value='1'\"}"}
                : null;
        try (RunTracker run = start(RunSpec.of("e", "r"))) {
            var e = assertThrows(IllegalArgumentException.class, () -> run.logParams(Map.of("seed", "2")));
            assertTrue(e.getMessage().contains("[seed]") && e.getMessage().contains("Changing param values"),
                    e.getMessage());
        }
    }

    @Test
    void invalidKeysAreRefusedWithoutARequest() {
        try (RunTracker run = start(RunSpec.of("e", "r"))) {
            int before = server.requests.size();
            var e = assertThrows(IllegalArgumentException.class,
                    () -> run.logMetric("acc@1", 0.5, 0));
            assertTrue(e.getMessage().startsWith("invalid MLflow metric key 'acc@1': character '@'"),
                    e.getMessage());
            assertEquals(before, server.requests.size());
        }
    }

    @Test
    void artifactsGoThroughTheArtifactProxyWithCredentials() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("out/sub dir"));
        Files.writeString(tmp.resolve("out/report.json"), "{}");
        Files.write(out.resolve("w.bin"), new byte[] {9, 8, 7});
        try (RunTracker run = start(RunSpec.of("e", "r"), Map.of("MLFLOW_TRACKING_TOKEN", "s3cret"))) {
            run.logArtifacts(tmp.resolve("out"));
            run.logArtifacts(tmp.resolve("out/sub dir"), "nested");
        }
        String base = "/api/2.0/mlflow-artifacts/artifacts/7/" + StubMlflowServer.RUN_ID + "/artifacts/";
        var puts = server.requests.stream().filter(r -> r.method().equals("PUT")).toList();
        assertEquals(List.of(base + "report.json", base + "sub%20dir/w.bin", base + "nested/w.bin"),
                puts.stream().map(StubMlflowServer.Request::path).toList());
        assertEquals("{}", puts.get(0).bodyText());
        assertArrayEquals(new byte[] {9, 8, 7}, puts.get(1).body());
        for (var put : puts) {
            assertEquals("Bearer s3cret", put.header("Authorization"));
        }
        // the REST calls carried the same credentials
        assertEquals("Bearer s3cret", single("POST", API + "runs/create").header("Authorization"));
    }

    @Test
    void fileArtifactLocationsAreCopiedLocallyAndOthersRefused() throws IOException {
        Path runArtifacts = tmp.resolve("srv/7/run/artifacts");
        server.artifactUri = runArtifacts.toUri().toString();
        Files.createDirectories(tmp.resolve("out"));
        Files.writeString(tmp.resolve("out/a.txt"), "A");
        try (RunTracker run = start(RunSpec.of("e", "r"))) {
            run.logArtifacts(tmp.resolve("out"), "x");
        }
        assertEquals("A", Files.readString(runArtifacts.resolve("x/a.txt")));

        server.artifactUri = "s3://bucket/7/run/artifacts";
        try (RunTracker run = start(RunSpec.of("e", "r"))) {
            var e = assertThrows(TrackingException.class, () -> run.logArtifacts(tmp.resolve("out")));
            assertTrue(e.getMessage().contains("s3://bucket/7/run/artifacts"), e.getMessage());
        }
        assertTrue(server.requests.stream().noneMatch(r -> r.method().equals("PUT")));
    }

    @Test
    void artifactUrlsResolveAsMlflowDoes() {
        URI tracking = URI.create("https://mlflow.example:8443/prefix");
        assertEquals("https://mlflow.example:8443/prefix/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/a/b.txt",
                ProxiedArtifactUploader.fileUrl(tracking, "mlflow-artifacts:/1/r/artifacts", "a/b.txt").toString());
        assertEquals("https://other:5000/prefix/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/%C3%A9%20x.txt",
                ProxiedArtifactUploader.fileUrl(tracking, "mlflow-artifacts://other:5000/1/r/artifacts",
                        "é x.txt").toString());
    }

    @Test
    void experimentNamesBecomeFilterLiteralsOrFallBackToGetByName() {
        assertEquals("\"it's\"", RestRunTracker.filterLiteral("it's"));
        assertEquals("'say \"hi\"'", RestRunTracker.filterLiteral("say \"hi\""));
        assertNull(RestRunTracker.filterLiteral("both ' and \""));
        assertNull(RestRunTracker.filterLiteral("back\\slash"));
        server.experiments.put("both ' and \"", new String[] {"5", "active"});
        try (RunTracker run = start(RunSpec.of("both ' and \"", "r"))) {
            assertEquals("5", run.experimentId());
            assertEquals("experiment_name=both ' and \"",
                    single("GET", API + "experiments/get-by-name").query());
        }
    }

    @Test
    void unreachableServerIsATrackingException() {
        server.close();
        var e = assertThrows(TrackingException.class, () -> start(RunSpec.of("e", "r")));
        assertTrue(e.getMessage().startsWith("MLflow server: cannot look up experiment 'e'"), e.getMessage());
    }

    private StubMlflowServer.Request single(String method, String path) {
        var found = server.requests(method, path);
        assertEquals(1, found.size(), method + " " + path + " in " + server.calls());
        return found.get(0);
    }

    private static Map<String, String> keyValues(JsonNode array) {
        Map<String, String> out = new LinkedHashMap<>();
        array.forEach(e -> out.put(e.get("key").asText(), e.get("value").asText()));
        return out;
    }

    private static String compact(JsonNode node) {
        return node.toString();
    }
}

package lab.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import lab.harness.config.RunConfig;
import lab.harness.config.RunConfigLoader;
import lab.harness.rundir.RunState;
import lab.runtime.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One heads_zero run on the gpt2-tiny fixture, end to end, with every output checked by an outside reader where one exists. */
class ExperimentRunnerTest {

    @TempDir
    Path tmp;

    private Path writeCorpus(String target) throws Exception {
        Path corpus = tmp.resolve("ioi.jsonl");
        List<String> lines = new ArrayList<>();
        String[][] names = {{"Mary", "John"}, {"John", "Mary"}};
        for (int i = 0; i < 6; i++) {
            String a = names[i % 2][0];
            String b = names[i % 2][1];
            lines.add(String.format("{\"id\": \"ioi-%d\", \"clean\": \"When %s and %s went to the store, %s gave a drink to\","
                    + " \"corrupt\": \"When %s and %s went to the store, %s gave a drink to\", \"target\": \"%s\","
                    + " \"foil\": \" %s\", \"group\": \"g%d\"}", i, a, b, b, a, b, a, target.isEmpty() ? " " + a : target, b, i % 3));
        }
        Files.write(corpus, lines);
        return corpus;
    }

    private RunConfig config(Path corpus, String... overrides) throws Exception {
        Path file = tmp.resolve("run.json");
        Files.writeString(file, "{\"name\": \"tiny_heads\", \"model\": {\"path\": \"" + Fixtures.dir("gpt2-tiny").toAbsolutePath()
                + "\", \"device\": \"cpu\", \"prepend_bos\": false}, \"data\": {\"corpus\": \"" + corpus.getFileName()
                + "\", \"n_examples\": 4}, \"experiment\": {\"type\": \"heads_zero\", \"scales\": [0.0, 0.5]},"
                + " \"metrics\": [\"logit_diff\", \"kl\", \"acc_flip_rate\", \"p_drop\"], \"seeds\": [0, 1],"
                + " \"output\": {\"root\": \"runs\", \"mlflow\": \"mlruns\"}}");
        return new RunConfigLoader(tmp).load(file, List.of(overrides));
    }

    @Test
    void aRunWritesEveryOutputAndRepeatsExactly() throws Exception {
        Path corpus = writeCorpus("");
        ExperimentRunner runner = new ExperimentRunner(Clock.systemUTC());
        ExperimentRunner.Outcome first = runner.run(config(corpus));
        assertEquals(RunState.FINISHED, first.state());
        Path dir = first.directory();
        for (String f : new String[] {"config.json", "provenance.json", "status.json", "results.parquet", "summary.json",
                "summary.csv", "profile.json", "report.html", "run.log", "patterns.json", "calibration.json"}) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f + " missing in " + dir);
        }
        ObjectMapper json = new ObjectMapper();
        assertEquals("FINISHED", json.readTree(dir.resolve("status.json").toFile()).get("status").asText());
        // 2 seeds x 4 examples x (2 layers x 4 heads) x 2 scales
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             ResultSet rs = c.createStatement().executeQuery("SELECT count(*), count(DISTINCT example_id), min(layer), max(head),"
                     + " sum(CASE WHEN scale = 0.5 THEN 1 ELSE 0 END), avg(clean_logit_diff) FROM read_parquet('"
                     + dir.resolve("results.parquet") + "')")) {
            rs.next();
            assertEquals(128, rs.getLong(1));
            assertTrue(rs.getLong(2) >= 4);
            assertEquals(0, rs.getInt(3));
            assertEquals(3, rs.getInt(4));
            assertEquals(64, rs.getLong(5));
        }
        JsonNode summary = json.readTree(dir.resolve("summary.json").toFile());
        // 8 heads x 2 scales x (4 metrics + clean_logit_diff)
        assertEquals(80, summary.get("rows").size());
        assertEquals(2, summary.get("rows").get(0).get("n_seeds").asInt());
        try (Stream<Path> pngs = Files.list(dir)) {
            assertEquals(10, pngs.filter(p -> p.toString().endsWith(".png")).count(), "(4 metrics + logit_diff change) x 2 scales");
        }
        JsonNode provenance = json.readTree(dir.resolve("provenance.json").toFile());
        assertEquals(json.readTree(dir.resolve("status.json").toFile()).get("config_hash").asText(),
                provenance.get("config_sha256").asText());
        // MLflow file store: one FINISHED run (status 3) with params and artifacts
        Path mlruns = tmp.resolve("mlruns");
        List<Path> metas;
        try (Stream<Path> s = Files.walk(mlruns)) {
            metas = s.filter(p -> p.getFileName().toString().equals("meta.yaml") && p.getParent().getFileName().toString().length() == 32).toList();
        }
        assertEquals(1, metas.size());
        assertTrue(Files.readString(metas.get(0)).contains("status: 3"), Files.readString(metas.get(0)));
        Path mlRun = metas.get(0).getParent();
        assertEquals("heads_zero", Files.readString(mlRun.resolve("params/experiment.type")));
        assertTrue(Files.isRegularFile(mlRun.resolve("artifacts/results.parquet")));
        assertTrue(Files.isRegularFile(mlRun.resolve("metrics/logit_diff/seed_mean")));
        assertTrue(Files.isRegularFile(mlRun.resolve("metrics/calibration/ece_before")));
        assertTrue(summary.get("calibration").get("ece_before").isNumber(), "calibration in summary.json");

        ExperimentRunner.Outcome second = runner.run(config(corpus));
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM read_parquet('" + dir.resolve("results.parquet")
                     + "') a FULL JOIN read_parquet('" + second.directory().resolve("results.parquet") + "') b"
                     + " USING (example_id, seed, layer, head, scale) WHERE a.kl IS DISTINCT FROM b.kl"
                     + " OR a.logit_diff IS DISTINCT FROM b.logit_diff OR a.p_drop IS DISTINCT FROM b.p_drop")) {
            rs.next();
            assertEquals(0, rs.getLong(1), "same config and seeds gave different numbers");
        }
    }

    @Test
    void aTargetThatIsNotOneTokenFailsTheRunWithTheReason() throws Exception {
        Path corpus = writeCorpus(" Rome");
        ExperimentRunner runner = new ExperimentRunner(Clock.systemUTC());
        var e = assertThrows(IllegalArgumentException.class, () -> runner.run(config(corpus, "output.mlflow=false")));
        assertTrue(e.getMessage().contains("target ' Rome' is 3 tokens"), e.getMessage());
        assertTrue(e.getMessage().contains("ioi.jsonl"), e.getMessage());
        Path dir;
        try (Stream<Path> s = Files.list(tmp.resolve("runs"))) {
            dir = s.findFirst().orElseThrow();
        }
        JsonNode status = new ObjectMapper().readTree(dir.resolve("status.json").toFile());
        assertEquals("FAILED", status.get("status").asText());
        assertTrue(status.get("error").asText().contains("Rome"));
        assertTrue(Files.notExists(dir.resolve("summary.json")), "a failed run must not look complete");
    }

    @Test
    void withASplitEveryConditionIsCalibratedInEveryOutput() throws Exception {
        Path corpus = writeCorpus("");
        Files.writeString(tmp.resolve("ioi.split.json"), "{\"corpus\": \"ioi.jsonl\", \"corpus_sha256\": \""
                + lab.data.Corpus.sha256(corpus) + "\", \"seed\": 0, \"subsets\": {\"train\": {\"groups\": [\"g0\"]},"
                + " \"val\": {\"groups\": [\"g1\"]}, \"test\": {\"groups\": [\"g2\"]}}}");
        Path dir = new ExperimentRunner(Clock.systemUTC()).run(config(corpus, "data.split=ioi.split.json", "data.subset=test",
                "seeds=[0]")).directory();
        ObjectMapper json = new ObjectMapper();
        JsonNode calibration = json.readTree(dir.resolve("calibration.json").toFile());
        // 8 heads x 2 scales, each fitted on val's 2 examples and measured on test's 2
        assertEquals(16, calibration.get("conditions").size(), calibration.toString());
        JsonNode first = calibration.get("conditions").get(0);
        assertEquals(json.readTree("{\"layer\": 0, \"head\": 0, \"scale\": 0.0}"), first.get("condition"));
        assertEquals(2, first.get("n_fit").asInt());
        assertEquals(2, first.get("n_eval").asInt());
        assertEquals(first.get("ece_before").asDouble() - calibration.get("ece_before").asDouble(),
                first.get("ece_before_change_from_clean").asDouble(), 1e-12);
        JsonNode summary = json.readTree(dir.resolve("summary.json").toFile());
        assertEquals(calibration.get("conditions"), summary.get("calibration").get("conditions"));
        Path mlRun;
        try (Stream<Path> s = Files.walk(tmp.resolve("mlruns"))) {
            mlRun = s.filter(p -> p.getFileName().toString().equals("meta.yaml") && p.getParent().getFileName().toString().length() == 32)
                    .findFirst().orElseThrow().getParent();
        }
        for (String metric : new String[] {"ece_before", "ece_after", "temperature", "accuracy"}) {
            assertTrue(Files.isRegularFile(mlRun.resolve("metrics/calibration/layer_1/head_3/scale_0.5/" + metric)), metric);
        }
        String report = Files.readString(dir.resolve("report.html"));
        assertTrue(report.contains("Calibration per condition") && report.contains("<table class=\"calibration\">"));
        // the test examples' readings came from the seed loop; computed afresh they give the same numbers
        RunConfig config = config(corpus, "data.split=ioi.split.json", "data.subset=test", "seeds=[0]");
        Path alone = Files.createDirectories(tmp.resolve("alone"));
        try (var model = Fixtures.load("gpt2-tiny")) {
            RunCalibration.measure(alone, config, model, lab.experiments.Experiments.create("heads_zero",
                    config.experiment().params()), List.of());
        }
        assertEquals(calibration.get("conditions"), json.readTree(alone.resolve("calibration.json").toFile()).get("conditions"));
    }
}

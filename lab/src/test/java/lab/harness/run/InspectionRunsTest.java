package lab.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import lab.harness.config.RunConfigLoader;
import lab.harness.rundir.RunState;
import lab.runtime.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inspection experiments through the harness on the gpt2-tiny fixture: results, maps and refusals. */
class InspectionRunsTest {

    @TempDir
    Path tmp;

    /** "The capital of X is" items, with or without a subject. */
    private Path corpus(boolean subjects) throws Exception {
        List<String> lines = new ArrayList<>();
        String[] countries = {"France", "Spain", "Peru", "Chad"};
        for (int i = 0; i < countries.length; i++) {
            String c = countries[i];
            lines.add("{\"id\": \"f" + i + "\", \"clean\": \"The capital of " + c + " is\", \"corrupt\": \"The capital of " + c
                    + " is\", \"target\": \"P\", \"foil\": \"R\", \"group\": \"g" + i + "\""
                    + (subjects ? ", \"subject\": \"" + c + "\"" : "") + "}");
        }
        Path file = tmp.resolve(subjects ? "facts.jsonl" : "plain.jsonl");
        Files.write(file, lines);
        return file;
    }

    private ExperimentRunner.Outcome run(Path corpus, String experiment, String metrics) throws Exception {
        Path file = tmp.resolve("run.json");
        Files.writeString(file, "{\"name\": \"inspect\", \"model\": {\"path\": \"" + Fixtures.dir("gpt2-tiny").toAbsolutePath()
                + "\", \"device\": \"cpu\", \"prepend_bos\": false}, \"data\": {\"corpus\": \"" + corpus.getFileName()
                + "\"}, \"experiment\": " + experiment + ", \"metrics\": " + metrics + ", \"seeds\": [0, 1],"
                + " \"output\": {\"root\": \"runs\", \"mlflow\": false}}");
        return new ExperimentRunner(Clock.systemUTC()).run(new RunConfigLoader(tmp).load(file, List.of()));
    }

    @Test
    void attributionRowsSumToTheCleanLogitDiffAndDrawTheHeadsMap() throws Exception {
        ExperimentRunner.Outcome out = run(corpus(false), "{\"type\": \"logit_attribution\"}", "[\"logit_diff\"]");
        assertEquals(RunState.FINISHED, out.state());
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             ResultSet rs = c.createStatement().executeQuery("SELECT max(abs(s - d)), count(*) FROM (SELECT example_id, seed,"
                     + " sum(logit_diff) AS s, avg(clean_logit_diff) AS d FROM read_parquet('" + out.directory().resolve("results.parquet")
                     + "') GROUP BY example_id, seed)")) {
            rs.next();
            assertTrue(rs.getDouble(1) < 1e-4, "parts sum to the clean logit_diff: off by " + rs.getDouble(1));
            assertEquals(8, rs.getLong(2));
        }
        try (var files = Files.list(out.directory())) {
            List<String> maps = files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("heatmap_")).sorted().toList();
            assertEquals(List.of("heatmap_logit_diff_by_layer_x_head_component_head.png"), maps);
        }
    }

    @Test
    void causalTraceMapsArePositionsLabelledByTokens() throws Exception {
        ExperimentRunner.Outcome out = run(corpus(true), "{\"type\": \"causal_trace\", \"samples\": 2}", "[\"indirect_effect\"]");
        assertEquals(RunState.FINISHED, out.state());
        String report = Files.readString(out.directory().resolve("report.html"));
        assertTrue(report.contains("indirect_effect by layer x position (kind = mlp_out)"), "one map per kind");
        // the fixture's BPE splits "capital" into cap|it|al and France into Fr|an|ce, Spain into S|p|a|in
        assertTrue(report.contains("2 cap") && report.contains("7 Fr/S"), "positions are labelled by the tokens seen there");
    }

    @Test
    void aMetricTheTypeDoesNotReportAndAMissingSubjectAreRefusedBeforeAnyRow() throws Exception {
        var metric = assertThrows(IllegalArgumentException.class, () -> run(corpus(false), "{\"type\": \"logit_lens\"}", "[\"kl\"]"));
        assertTrue(metric.getMessage().contains("metric 'kl' is not one that experiment.type logit_lens reports"), metric.getMessage());
        var subject = assertThrows(IllegalArgumentException.class, () -> run(corpus(false), "{\"type\": \"causal_trace\"}",
                "[\"indirect_effect\"]"));
        assertTrue(subject.getMessage().contains("item 'f0' has none"), subject.getMessage());
        try (var dirs = Files.list(tmp.resolve("runs"))) {
            assertTrue(dirs.noneMatch(d -> Files.exists(d.resolve("results.parquet"))), "nothing was recorded");
        }
    }
}

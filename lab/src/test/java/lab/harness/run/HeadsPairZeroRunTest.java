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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import lab.cli.HarnessCommand;
import lab.harness.config.RunConfig;
import lab.harness.config.RunConfigLoader;
import lab.harness.rundir.RunState;
import lab.runtime.Fixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * heads_pair_zero and mean ablation through the harness on the gpt2-tiny fixture: pairs taken from
 * a finished heads_zero run (checked against a ranking DuckDB computes from that run's Parquet),
 * the pairs-config verb, reference sets, and the errors for a bad from_run or reference.
 */
class HeadsPairZeroRunTest {

    @TempDir
    Path tmp;
    private final ExperimentRunner runner = new ExperimentRunner(Clock.systemUTC());

    @BeforeEach
    void corpus() throws Exception {
        for (String file : new String[] {"ioi.jsonl", "reference.jsonl"}) {
            List<String> lines = new ArrayList<>();
            String[][] names = {{"Mary", "John"}, {"John", "Mary"}};
            for (int i = 0; i < 6; i++) {
                String a = names[i % 2][0];
                String b = names[i % 2][1];
                // the reference set repeats the first name rather than the second: other prompts, same token lengths
                String s = file.startsWith("ioi") ? b : a;
                lines.add(String.format("{\"id\": \"%s-%d\", \"clean\": \"When %s and %s went to the store, %s gave a drink to\","
                        + " \"corrupt\": \"When %s and %s went to the store, %s gave a drink to\", \"target\": \" %s\","
                        + " \"foil\": \" %s\", \"group\": \"g%d\"}", file, i, a, b, s, a, b, a, a, b, i % 3));
            }
            Files.write(tmp.resolve(file), lines);
        }
    }

    private RunConfig config(String experiment, String... overrides) throws Exception {
        Path file = tmp.resolve("run.json");
        Files.writeString(file, "{\"name\": \"tiny\", \"model\": {\"path\": \"" + Fixtures.dir("gpt2-tiny").toAbsolutePath()
                + "\", \"device\": \"cpu\", \"prepend_bos\": false}, \"data\": {\"corpus\": \"ioi.jsonl\", \"n_examples\": 4},"
                + " \"experiment\": " + experiment + ", \"seeds\": [0, 1], \"output\": {\"root\": \"runs\", \"mlflow\": false}}");
        return new RunConfigLoader(tmp).load(file, List.of(overrides));
    }

    private static List<List<Integer>> query(String sql, int columns) throws Exception {
        List<List<Integer>> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); ResultSet rs = c.createStatement().executeQuery(sql)) {
            while (rs.next()) {
                List<Integer> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    row.add(rs.getInt(i));
                }
                out.add(row);
            }
        }
        return out;
    }

    @Test
    void pairsFromTheTopHeadsOfAFinishedRunAndThePairsConfigVerb() throws Exception {
        Path headsRun = runner.run(config("{\"type\": \"heads_zero\", \"scales\": [0.0, 0.5]}")).directory();
        // the top 3 heads by |mean change of logit_diff| at scale 0, computed from the Parquet by DuckDB
        List<List<Integer>> top = query("SELECT layer, head FROM read_parquet('" + headsRun.resolve("results.parquet")
                + "') WHERE scale = 0 GROUP BY layer, head ORDER BY abs(avg(logit_diff - clean_logit_diff)) DESC LIMIT 3", 2);
        Set<List<Integer>> expectedPairs = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                List<Integer> a = top.get(i);
                List<Integer> b = top.get(j);
                if (a.get(0) < b.get(0) || (a.get(0).equals(b.get(0)) && a.get(1) < b.get(1))) {
                    expectedPairs.add(List.of(a.get(0), a.get(1), b.get(0), b.get(1)));
                }
            }
        }
        assertEquals(3, expectedPairs.size());

        ExperimentRunner.Outcome pairs = runner.run(config("{\"type\": \"heads_pair_zero\", \"from_run\": \""
                + tmp.relativize(headsRun) + "\", \"top_k\": 3}"));
        assertEquals(RunState.FINISHED, pairs.state());
        Path results = pairs.directory().resolve("results.parquet");
        assertEquals(expectedPairs, new HashSet<>(query("SELECT DISTINCT layer_a, head_a, layer_b, head_b FROM read_parquet('"
                + results + "')", 4)));
        // metrics left out of the config: all four, plus the interaction; 2 seeds x 4 examples x 3 pairs
        assertEquals(List.of(List.of(24, 24, 24, 24, 24, 24)), query("SELECT count(logit_diff), count(kl), count(acc_flip_rate),"
                + " count(p_drop), count(interaction), count(clean_logit_diff) FROM read_parquet('" + results + "')", 6));
        assertTrue(Files.isRegularFile(pairs.directory().resolve("heatmap_interaction_by_layer_a.head_a_x_layer_b.head_b.png")));
        assertTrue(Files.isRegularFile(pairs.directory().resolve("heatmap_logit_diff_change_by_layer_a.head_a_x_layer_b.head_b.png")));

        Path out = tmp.resolve("pairs.json");
        assertEquals(0, HarnessCommand.execute("pairs-config", "--from-run", headsRun.toString(), "--top-k", "3", "--out", out.toString()));
        JsonNode written = new ObjectMapper().readTree(out.toFile());
        assertEquals("heads_pair_zero", written.path("experiment").path("type").asText());
        Set<List<Integer>> listed = new HashSet<>();
        written.path("experiment").path("pairs").forEach(p -> listed.add(List.of(p.get(0).asInt(), p.get(1).asInt(),
                p.get(2).asInt(), p.get(3).asInt())));
        assertEquals(expectedPairs, listed);
        // the written config runs as it is
        assertEquals(RunState.FINISHED, runner.run(new RunConfigLoader(tmp).load(out, List.of())).state());
        assertEquals(2, HarnessCommand.execute("pairs-config", "--from-run", headsRun.toString(), "--top-k", "3", "--out", out.toString()),
                "an existing --out is kept unless --force");

        // a from_run that is missing, of another type, or not finished: one error, nothing run
        for (String[] bad : new String[][] {
            {"runs/nope", "experiment.from_run: run directory " + tmp.resolve("runs/nope") + " does not exist"},
            {tmp.relativize(pairs.directory()).toString(), "is a heads_pair_zero run, not heads_zero"}}) {
            var e = assertThrows(IllegalArgumentException.class, () -> runner.run(config(
                    "{\"type\": \"heads_pair_zero\", \"from_run\": \"" + bad[0] + "\", \"top_k\": 3}")));
            assertTrue(e.getMessage().contains(bad[1]), e.getMessage());
        }
        Path status = headsRun.resolve("status.json");
        Files.writeString(status, Files.readString(status).replace("FINISHED", "FAILED"));
        var unfinished = assertThrows(IllegalArgumentException.class, () -> runner.run(config(
                "{\"type\": \"heads_pair_zero\", \"from_run\": \"" + tmp.relativize(headsRun) + "\", \"top_k\": 3}")));
        assertTrue(unfinished.getMessage().contains("is FAILED, not FINISHED"), unfinished.getMessage());
    }

    @Test
    void meanAblationTakesItsReferenceFromACorpusPathAndABadReferenceIsOneError() throws Exception {
        ExperimentRunner.Outcome mean = runner.run(config("{\"type\": \"heads_zero\", \"scales\": [0.0], \"heads\": \"all\","
                + " \"ablation\": \"mean\", \"reference\": \"reference.jsonl\"}"));
        assertEquals(RunState.FINISHED, mean.state());
        assertEquals(List.of(List.of(64)), query("SELECT count(*) FROM read_parquet('" + mean.directory().resolve("results.parquet")
                + "')", 1));
        var e = assertThrows(IllegalArgumentException.class, () -> runner.run(config(
                "{\"type\": \"heads_zero\", \"scales\": [0.0], \"ablation\": \"mean\"}")));
        assertTrue(e.getMessage().startsWith("experiment.reference: 'train' is a subset name, but the config has no data.split"),
                e.getMessage());
        Path failed;
        try (var dirs = Files.list(tmp.resolve("runs"))) {
            failed = dirs.filter(d -> !d.equals(mean.directory())).findFirst().orElseThrow();
        }
        assertTrue(Files.notExists(failed.resolve("results.parquet")), "the bad reference must fail before any example runs");
    }
}

package lab.harness.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import lab.runtime.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl+C (SIGINT) mid-run: finished results flushed, status KILLED in the run and in MLflow, exit code 130. */
class InterruptTest {

    @TempDir
    Path tmp;

    @Test
    void sigintKeepsFinishedResultsAndMarksTheRunKilled() throws Exception {
        StringBuilder corpus = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            corpus.append("{\"id\": \"e").append(i).append("\", \"clean\": \"When Mary and John went to the store, John gave a drink to\","
                    + " \"corrupt\": \"When Mary and John went to the store, Mary gave a drink to\", \"target\": \" Mary\","
                    + " \"foil\": \" John\", \"group\": \"g").append(i).append("\"}\n");
        }
        Files.writeString(tmp.resolve("c.jsonl"), corpus);
        StringBuilder seeds = new StringBuilder("[0");
        for (int s = 1; s < 400; s++) {
            seeds.append(',').append(s);
        }
        Files.writeString(tmp.resolve("run.json"), "{\"name\": \"interrupted\", \"model\": {\"path\": \""
                + Fixtures.dir("gpt2-tiny").toAbsolutePath() + "\", \"device\": \"cpu\", \"prepend_bos\": false},"
                + " \"data\": {\"corpus\": \"c.jsonl\"}, \"experiment\": {\"type\": \"heads_zero\", \"scales\": [0.0]},"
                + " \"metrics\": [\"kl\"], \"seeds\": " + seeds + "], \"output\": {\"root\": \"runs\", \"mlflow\": \"mlruns\"}}");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "lab.cli.HarnessCommand", "run", "run.json")
                .directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(tmp.resolve("out.txt").toFile()).start();
        Path results = waitForResults(tmp.resolve("runs"), p);
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the run did not stop on SIGINT");
        assertEquals(130, p.exitValue(), Files.readString(tmp.resolve("out.txt")));
        Path dir = results.getParent();
        assertEquals("KILLED", new ObjectMapper().readTree(dir.resolve("status.json").toFile()).get("status").asText());
        assertTrue(Files.isRegularFile(dir.resolve("profile.json")));
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             ResultSet rs = c.createStatement().executeQuery("SELECT count(*), count(DISTINCT seed) FROM read_parquet('" + results + "')")) {
            rs.next();
            assertTrue(rs.getLong(1) >= 32, "at least one finished seed (4 examples x 8 heads) kept");
            assertTrue(rs.getLong(2) < 400, "the run should not have finished");
        }
        List<Path> metas;
        try (Stream<Path> s = Files.walk(tmp.resolve("mlruns"))) {
            metas = s.filter(f -> f.getFileName().toString().equals("meta.yaml") && f.getParent().getFileName().toString().length() == 32).toList();
        }
        assertEquals(1, metas.size());
        assertTrue(Files.readString(metas.get(0)).contains("status: 5"), Files.readString(metas.get(0)));
    }

    private static Path waitForResults(Path runs, Process p) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline && p.isAlive()) {
            if (Files.isDirectory(runs)) {
                try (Stream<Path> s = Files.list(runs)) {
                    for (Path dir : s.toList()) {
                        if (Files.isRegularFile(dir.resolve("results.parquet"))) {
                            return dir.resolve("results.parquet");
                        }
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no results.parquet appeared; process alive: " + p.isAlive());
    }
}

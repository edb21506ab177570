package lab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import lab.runtime.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code harness battery --executor local --jobs N}: child processes, the battery directory, merge, status, Ctrl+C. */
class BatteryLocalCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** A battery of the tiny fixture: variants zero, half and bad (a head the model lacks: FAILED at run time). */
    private Path battery(String name, int seeds) throws Exception {
        Files.writeString(tmp.resolve("c.jsonl"), "{\"id\": \"a\", \"clean\": \"When Mary and John went to the store, John gave a drink to\","
                + " \"corrupt\": \"When Mary and John went to the store, Mary gave a drink to\", \"target\": \" Mary\", \"foil\": \" John\", \"group\": \"g1\"}\n");
        StringBuilder seedList = new StringBuilder("0");
        for (int s = 1; s < seeds; s++) {
            seedList.append(',').append(s);
        }
        Files.writeString(tmp.resolve("run.json"), "{\"name\": \"r\", \"model\": {\"path\": \"" + Fixtures.dir("gpt2-tiny").toAbsolutePath()
                + "\", \"device\": \"cpu\", \"prepend_bos\": false}, \"data\": {\"corpus\": \"" + tmp.resolve("c.jsonl") + "\"},"
                + " \"experiment\": {\"type\": \"heads_zero\", \"scales\": [0.0], \"heads\": [[0, 1], [1, 2]]},"
                + " \"metrics\": [\"kl\"], \"seeds\": [" + seedList + "], \"output\": {\"root\": \"" + tmp.resolve("runs")
                + "\", \"mlflow\": \"" + tmp.resolve("mlruns") + "\"}}");
        Path file = tmp.resolve(name + ".json");
        Files.writeString(file, "{\"name\": \"" + name + "\", \"base\": \"run.json\", \"variants\": ["
                + "{\"name\": \"zero\", \"overrides\": {}}, {\"name\": \"half\", \"overrides\": {\"experiment.scales\": [0.5]}},"
                + " {\"name\": \"bad\", \"overrides\": {\"experiment.heads\": [[9, 0]]}}]}");
        return file;
    }

    private Path batteryDir(String name) throws Exception {
        try (Stream<Path> s = Files.list(tmp.resolve("runs"))) {
            return s.filter(p -> p.getFileName().toString().startsWith(name + "_")).findFirst().orElseThrow();
        }
    }

    @Test
    void runsTasksAsChildProcessesAndMergesWhateverTheyDid() throws Exception {
        Path file = battery("loc", 1);
        CliTest.Outcome o = CliTest.harness("battery", file.toString(), "--executor", "local", "--jobs", "2");
        assertEquals(1, o.code(), "a failed task makes the battery exit 1: " + o.err());
        Path dir = batteryDir("loc");
        assertEquals(dir.toString(), o.out().strip());
        JsonNode summary = JSON.readTree(dir.resolve("battery_summary.json").toFile());
        assertEquals(2, summary.get("counts").get("FINISHED").asInt(), summary.toString());
        assertEquals(1, summary.get("counts").get("FAILED").asInt(), summary.toString());
        JsonNode bad = summary.get("tasks").get(2);
        assertEquals("FAILED", bad.get("state").asText());
        assertTrue(bad.get("detail").asText().contains("[9, 0]"), bad.toString());
        for (int i = 0; i < 3; i++) {
            assertTrue(Files.size(dir.resolve("tasks/" + i + ".log")) > 0, "task " + i + " has its log");
        }
        // each child got its share of the cores
        String submission = Files.readString(dir.resolve("submission.json"));
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        assertTrue(submission.contains("2 jobs x " + threads + " threads"), submission);

        CliTest.Outcome status = CliTest.harness("battery", "status", dir.toString());
        assertEquals(1, status.code());
        assertTrue(status.out().contains("0 loc/zero  FINISHED"), status.out());
        assertTrue(status.out().contains("2 loc/bad  FAILED (exit 1: experiment.heads names [9, 0]"), status.out());

        CliTest.Outcome rerun = CliTest.harness("battery", file.toString(), "--executor", "local", "--jobs", "1", "--skip-existing");
        Path second;
        try (Stream<Path> s = Files.list(tmp.resolve("runs"))) {
            second = s.filter(p -> p.getFileName().toString().startsWith("loc_") && !p.equals(dir)).findFirst().orElseThrow();
        }
        assertEquals(1, rerun.code(), rerun.err());
        assertTrue(Files.readString(second.resolve("submission.json")).replaceAll("\\s", "").contains("\"indices\":[2]"),
                "only the failed run is launched again");
        assertTrue(Files.readString(second.resolve("battery_summary.csv")).contains("0,loc/zero,FINISHED,"), "finished runs stay in the summary");
    }

    @Test
    void misplacedFlagsAreOneErrorBeforeAnythingRuns() throws Exception {
        Path file = battery("flags", 1);
        CliTest.Outcome jobs = CliTest.harness("battery", file.toString(), "--executor", "slurm", "--jobs", "2");
        assertEquals(2, jobs.code());
        assertTrue(jobs.err().contains("--jobs is for --executor local"), jobs.err());
        CliTest.Outcome slurm = CliTest.harness("battery", file.toString(), "--executor", "local", "--partition", "gpu");
        assertEquals(2, slurm.code());
        assertTrue(slurm.err().contains("need --executor slurm"), slurm.err());
        CliTest.Outcome mem = CliTest.harness("battery", file.toString(), "--executor", "slurm", "--mem", "lots");
        assertEquals(2, mem.code());
        assertTrue(mem.err().contains("--mem 'lots': not a Slurm memory size"), mem.err());
        CliTest.Outcome noDir = CliTest.harness("battery", "status", tmp.toString());
        assertEquals(2, noDir.code());
        assertTrue(noDir.err().contains("is not a battery directory (no manifest.json)"), noDir.err());
        assertTrue(Files.notExists(tmp.resolve("runs")), "nothing may run");
    }

    @Test
    void ctrlCStopsEveryTaskAndMarksThemKilled() throws Exception {
        Path file = battery("stop", 400);
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "lab.cli.HarnessCommand", "battery", file.toString(),
                "--executor", "local", "--jobs", "1")
                .directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(tmp.resolve("out.txt").toFile()).start();
        long deadline = System.currentTimeMillis() + 120_000;
        Path started = null;
        while (started == null && System.currentTimeMillis() < deadline && p.isAlive()) {
            Thread.sleep(200);
            if (Files.isDirectory(tmp.resolve("runs"))) {
                try (Stream<Path> s = Files.list(tmp.resolve("runs"))) {
                    for (Path d : s.toList()) {
                        Path record = d.resolve("tasks/0.started.json");
                        if (Files.isRegularFile(record)
                                && Files.isRegularFile(Path.of(JSON.readTree(record.toFile()).get("run_dir").asText(), "results.parquet"))) {
                            started = d;
                        }
                    }
                }
            }
        }
        assertTrue(started != null, "task 0 never got going: " + Files.readString(tmp.resolve("out.txt")));
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "the battery did not stop on SIGINT");
        assertEquals(130, p.exitValue(), Files.readString(tmp.resolve("out.txt")));
        JsonNode exit0 = JSON.readTree(started.resolve("tasks/0.exit.json").toFile());
        assertEquals("KILLED", exit0.get("state").asText());
        assertEquals("KILLED", JSON.readTree(Path.of(exit0.get("run_dir").asText(), "status.json").toFile()).get("status").asText());
        assertEquals("KILLED", JSON.readTree(started.resolve("tasks/1.exit.json").toFile()).get("state").asText(), "never started");
        CliTest.Outcome status = CliTest.harness("battery", "status", started.toString());
        assertTrue(status.out().contains("3 tasks: 3 KILLED"), status.out());
    }
}

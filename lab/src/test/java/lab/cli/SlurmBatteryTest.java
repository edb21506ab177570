package lab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import lab.harness.battery.BatteryDirectory;
import lab.harness.battery.BatteryStatus;
import lab.harness.battery.TaskState;
import lab.harness.executor.SlurmQueue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code harness battery --executor slurm} against a real Slurm ({@code shared/scripts/slurm/slurm_local.sh},
 * which {@code .ci/run} starts): a battery of 8 runs of the default model (6 finish, 2 fail at run
 * time) with a slurmctld restart while it runs, re-submission with --skip-existing, and a task
 * cancelled mid-run. Skipped, with a line saying why, where sbatch is absent or the cluster does
 * not answer. Each task is a JVM running a tiny run (2 examples, 1 seed, 2 heads); on 2 cores
 * the whole test takes a minute or two, most of it JVM starts.
 */
class SlurmBatteryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The repository root (tests run in lab/). */
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsSlurm() throws Exception {
        boolean sbatch = Stream.of(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, "sbatch")));
        if (!sbatch) {
            System.out.println("SlurmBatteryTest skipped: sbatch is not on the PATH (.ci/run starts a local Slurm with"
                    + " ../shared/scripts/slurm/slurm_local.sh)");
        }
        assumeTrue(sbatch, "sbatch is not on the PATH: Slurm battery tests skipped");
        Process sinfo = new ProcessBuilder("sinfo", "-h", "-o", "%a").redirectErrorStream(true).start();
        boolean up = sinfo.waitFor(30, TimeUnit.SECONDS) && sinfo.exitValue() == 0
                && new String(sinfo.getInputStream().readAllBytes()).contains("up");
        if (!up) {
            System.out.println("SlurmBatteryTest skipped: sbatch is installed but no Slurm controller answers (start one:"
                    + " slurm_local.sh start)");
        }
        assumeTrue(up, "no Slurm controller answers: Slurm battery tests skipped");
    }

    /** A tiny run of the shipped model, absolute paths so tasks run from any directory. */
    private Path base(int seeds) throws IOException {
        StringBuilder seedList = new StringBuilder("0");
        for (int s = 1; s < seeds; s++) {
            seedList.append(',').append(s);
        }
        Path run = tmp.resolve("run" + seeds + ".json");
        Files.writeString(run, "{\"name\": \"t\", \"model\": {\"path\": \"" + REPO.resolve("data/models/toy") + "\", \"device\": \"cpu\","
                + " \"prepend_bos\": true}, \"data\": {\"corpus\": \"" + REPO.resolve("data/corpora/ioi_v1.jsonl") + "\", \"split\": \""
                + REPO.resolve("data/splits/ioi_v1.split.json") + "\", \"subset\": \"test\", \"n_examples\": 2},"
                + " \"experiment\": {\"type\": \"heads_zero\", \"scales\": [0.0], \"heads\": [[0, 0], [1, 1]]},"
                + " \"metrics\": [\"logit_diff\", \"kl\"], \"seeds\": [" + seedList + "], \"output\": {\"root\": \"" + tmp.resolve("runs")
                + "\", \"mlflow\": \"" + tmp.resolve("mlruns") + "\"}}");
        return run;
    }

    private Path dirOf(CliTest.Outcome submitted) {
        assertEquals(0, submitted.code(), submitted.err());
        return Path.of(submitted.out().strip());
    }

    private static BatteryStatus waitFor(Path dir, Predicate<BatteryStatus> done, String what) throws Exception {
        BatteryDirectory battery = BatteryDirectory.open(dir);
        long deadline = System.currentTimeMillis() + 240_000;
        BatteryStatus status = BatteryStatus.read(battery, new SlurmQueue());
        while (!done.test(status)) {
            assertTrue(System.currentTimeMillis() < deadline, "timed out waiting for " + what + ": " + status.progressLine());
            Thread.sleep(1000);
            status = BatteryStatus.read(battery, new SlurmQueue());
        }
        return status;
    }

    private static JsonNode summary(Path dir) throws IOException {
        return JSON.readTree(dir.resolve("battery_summary.json").toFile());
    }

    @Test
    void batteryOnSlurmSurvivesAControllerRestartResubmitsFailuresAndHandlesCancel() throws Exception {
        // a task cancelled mid-run: its run KILLED (SIGTERM handled as Ctrl+C), the task CANCELLED, the merge still runs
        Path long_ = tmp.resolve("cx.json");
        Files.writeString(long_, "{\"name\": \"cx\", \"base\": \"" + base(3000) + "\"}");
        Path cx = dirOf(CliTest.harness("battery", long_.toString(), "--executor", "slurm", "--time", "10"));
        waitFor(cx, s -> s.tasks().get(0).runDir().map(d -> Files.isRegularFile(Path.of(d, "results.parquet"))).orElse(false),
                "the long run to write results");
        String arrayJob = JSON.readTree(cx.resolve("submission.json").toFile()).get("array_job").asText();
        new ProcessBuilder("scancel", arrayJob).inheritIO().start().waitFor();
        CliTest.Outcome cancelled = CliTest.harness("battery", "status", cx.toString(), "--wait", "--poll", "1");
        assertEquals(1, cancelled.code(), cancelled.err());
        assertTrue(cancelled.out().contains("0 cx/base  CANCELLED"), cancelled.out());
        JsonNode exit = JSON.readTree(cx.resolve("tasks/0.exit.json").toFile());
        assertEquals("KILLED", exit.get("state").asText());
        assertEquals("KILLED", JSON.readTree(Path.of(exit.get("run_dir").asText(), "status.json").toFile()).get("status").asText(),
                "scancel's SIGTERM must leave the run KILLED, never FINISHED with half its rows");
        assertEquals("CANCELLED", summary(cx).get("tasks").get(0).get("state").asText(), "the merge job ran after the cancel");

        // 8 runs: zero / half / one / bad x position all / last; bad names a head the model lacks
        Path file = tmp.resolve("sl.json");
        Files.writeString(file, "{\"name\": \"sl\", \"base\": \"" + base(1) + "\", \"variants\": ["
                + "{\"name\": \"zero\", \"overrides\": {}}, {\"name\": \"half\", \"overrides\": {\"experiment.scales\": [0.5]}},"
                + " {\"name\": \"one\", \"overrides\": {\"experiment.scales\": [1.0]}},"
                + " {\"name\": \"bad\", \"overrides\": {\"experiment.heads\": [[7, 0]]}}],"
                + " \"grid\": {\"experiment.position\": [\"all\", \"last\"]}}");
        Path sl = dirOf(CliTest.harness("battery", file.toString(), "--executor", "slurm", "--max-parallel", "2", "--mem", "1G",
                "--time", "10", "--cpus-per-task", "1", "--metric", "kl", "--direction", "ASCENDING"));
        assertTrue(Files.readString(sl.resolve("slurm/task.sh")).contains("-Xmx512m -Dai.djl.pytorch.num_threads=1 "),
                Files.readString(sl.resolve("slurm/task.sh")));
        assertTrue(JSON.readTree(sl.resolve("submission.json").toFile()).get("command").asText().contains("--array=0-7%2"));
        Path script = Path.of(System.getenv().getOrDefault("SLURM_LOCAL_SCRIPT", REPO.resolve("../shared/scripts/slurm/slurm_local.sh").toString()));
        if (Files.isRegularFile(script)) {
            waitFor(sl, s -> s.counts().getOrDefault(TaskState.FINISHED, 0) >= 1, "a first finished task");
            run(script, "stop");
            run(script, "start");
        } else {
            System.out.println("SlurmBatteryTest: no slurmctld restart, " + script + " not found (set SLURM_LOCAL_SCRIPT)");
        }
        CliTest.Outcome waited = CliTest.harness("battery", "status", sl.toString(), "--wait", "--poll", "2");
        assertEquals(1, waited.code(), "two tasks fail: " + waited.out() + waited.err());
        JsonNode merged = summary(sl);
        assertEquals(6, merged.get("counts").get("FINISHED").asInt(), merged.toString());
        assertEquals(2, merged.get("counts").get("FAILED").asInt(), merged.toString());
        assertEquals("kl", merged.get("metric").asText());
        JsonNode badTask = merged.get("tasks").get(6);
        assertEquals("sl/bad/position=all", badTask.get("name").asText());
        assertEquals(1, badTask.get("exit_code").asInt());
        assertTrue(badTask.get("detail").asText().contains("[7, 0]"), badTask.toString());
        assertEquals(6, JSON.readTree(sl.resolve("leaderboard.json").toFile()).path("runs").size(),
                Files.readString(sl.resolve("leaderboard.json")));
        for (JsonNode t : merged.get("tasks")) {
            if (t.get("state").asText().equals("FINISHED")) {
                assertTrue(t.get("kl").isNumber() && t.get("wall_seconds").asDouble() > 0, t.toString());
            }
        }

        // re-submission with --skip-existing launches only the runs that did not finish
        Path again = dirOf(CliTest.harness("battery", file.toString(), "--executor", "slurm", "--skip-existing"));
        assertEquals(List.of(6, 7), JSON.convertValue(JSON.readTree(again.resolve("submission.json").toFile()).get("indices"), List.class));
        CliTest.Outcome rerun = CliTest.harness("battery", "status", again.toString(), "--wait", "--poll", "2");
        assertTrue(rerun.out().contains("8 tasks: 6 FINISHED, 2 FAILED"), rerun.out());
        assertTrue(summary(again).get("tasks").get(0).get("detail").asText().contains("--skip-existing"));

        // the six finished runs and the cancelled one; a head the model lacks fails before any run or MLflow run exists
        assertStoreConsistent(tmp.resolve("mlruns"), 6 + 1);
    }

    private static void run(Path script, String action) throws Exception {
        String out = "";
        // start waits 10 s for munged; under a loaded CPU (the battery's JVMs) that can run out,
        // and a second start brings up whatever is missing
        for (int attempt = 1; attempt <= 3; attempt++) {
            Process p = new ProcessBuilder("bash", script.toString(), action).redirectErrorStream(true).start();
            out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor(180, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return;
            }
            Thread.sleep(2000);
        }
        throw new AssertionError("slurm_local.sh " + action + " failed 3 times: " + out);
    }

    /** Every run in exactly one experiment per name, Default once: what concurrent tasks must not break. */
    private static void assertStoreConsistent(Path store, int runs) throws IOException {
        Map<String, Integer> names = new HashMap<>();
        int found = 0;
        try (Stream<Path> dirs = Files.list(store)) {
            for (Path d : dirs.filter(x -> Files.isRegularFile(x.resolve("meta.yaml"))).toList()) {
                String meta = Files.readString(d.resolve("meta.yaml"));
                String name = meta.lines().filter(l -> l.startsWith("name: ")).findFirst().orElseThrow();
                names.merge(name, 1, Integer::sum);
                try (Stream<Path> r = Files.list(d)) {
                    found += (int) r.filter(x -> Files.isRegularFile(x.resolve("meta.yaml"))).count();
                }
            }
        }
        assertTrue(names.values().stream().allMatch(n -> n == 1), names.toString());
        assertEquals(runs, found, names.toString());
    }
}

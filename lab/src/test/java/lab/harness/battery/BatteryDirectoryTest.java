package lab.harness.battery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import lab.harness.config.RunConfigLoader;
import lab.harness.rundir.RunStatusFile;
import lab.runtime.Fixtures;
import lab.viz.RankDirection;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A battery directory end to end in this process (tasks run by {@link BatteryTask} on the tiny
 * GPT-2 fixture), and the reconciliation of run directories with a scheduler's word.
 */
class BatteryDirectoryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    Battery battery;
    BatteryDirectory dir;

    @BeforeEach
    void setUp() throws Exception {
        Files.writeString(tmp.resolve("c.jsonl"), "{\"id\": \"a\", \"clean\": \"When Mary and John went to the store, John gave a drink to\","
                + " \"corrupt\": \"When Mary and John went to the store, Mary gave a drink to\", \"target\": \" Mary\", \"foil\": \" John\", \"group\": \"g1\"}\n");
        Files.writeString(tmp.resolve("run.json"), "{\"name\": \"r\", \"model\": {\"path\": \"" + Fixtures.dir("gpt2-tiny").toAbsolutePath()
                + "\", \"device\": \"cpu\", \"prepend_bos\": false}, \"data\": {\"corpus\": \"c.jsonl\"},"
                + " \"experiment\": {\"type\": \"heads_zero\", \"scales\": [0.0], \"heads\": [[0, 1], [1, 2]]},"
                + " \"metrics\": [\"kl\", \"logit_diff\"], \"seeds\": [0], \"output\": {\"root\": \"runs\", \"mlflow\": false}}");
        Files.writeString(tmp.resolve("battery.json"), "{\"name\": \"b\", \"base\": \"run.json\", \"variants\": ["
                + "{\"name\": \"zero\", \"overrides\": {}}, {\"name\": \"half\", \"overrides\": {\"experiment.scales\": [0.5]}},"
                + " {\"name\": \"bad\", \"overrides\": {\"experiment.heads\": [[9, 0]]}}]}");
        RunConfigLoader loader = new RunConfigLoader(tmp);
        battery = Battery.load(tmp.resolve("battery.json"), loader);
        dir = BatteryDirectory.create(tmp.resolve("runs"), battery, BatteryRunner.plan(battery, BatteryOptions.all()), tmp,
                Clock.systemUTC());
    }

    @Test
    void manifestNamesEveryRunWithItsHashAndConfig() throws Exception {
        BatteryManifest m = dir.manifest();
        assertTrue(dir.path().getFileName().toString().matches("b_\\d{8}-\\d{6}"), dir.path().toString());
        assertEquals(List.of("b/zero", "b/half", "b/bad"), m.runs().stream().map(BatteryManifest.Entry::name).toList());
        for (int i = 0; i < 3; i++) {
            BatteryManifest.Entry e = m.entry(i);
            assertEquals(i, e.index());
            assertEquals(battery.runs().get(i).config().hash(), e.configHash());
            assertEquals(battery.runs().get(i).config().hash(),
                    new RunConfigLoader(tmp).load(dir.config(e), List.of()).hash(), "the resolved config re-loads as the same config");
        }
        assertEquals(List.of(0, 1, 2), m.toRun());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.entry(3));
        assertTrue(e.getMessage().contains("0 to 2"), e.getMessage());
    }

    @Test
    void tasksRecordTheirRunsAndTheMergeSummarisesEvenFailures() throws Exception {
        BatteryTask task = new BatteryTask(dir, Clock.systemUTC());
        assertEquals(0, task.run(0));
        assertEquals(1, task.run(2));
        dir.writeSubmission(new Submission(Submission.LOCAL, List.of(0, 1, 2), null, null, "test", Instant.now().toString()));

        TaskRecords.Exit finished = dir.exit(0).orElseThrow();
        assertEquals("FINISHED", finished.state());
        assertEquals(dir.started(0).orElseThrow().runDir(), finished.runDir());
        TaskRecords.Exit failed = dir.exit(2).orElseThrow();
        assertEquals("FAILED", failed.state());
        assertTrue(failed.error().contains("[9, 0]"), failed.error());

        BatteryMerge.Result merged = BatteryMerge.merge(dir, SchedulerView.NONE, Optional.empty(), RankDirection.ASCENDING);
        assertEquals("kl", merged.metric(), "the runs' first metric");
        assertEquals(1, merged.ranked());
        JsonNode rows = JSON.readTree(merged.summaryJson().toFile()).get("tasks");
        assertEquals("FINISHED", rows.get(0).get("state").asText());
        assertEquals("PENDING", rows.get(1).get("state").asText(), "launched, never started");
        assertEquals("FAILED", rows.get(2).get("state").asText());
        assertEquals(1, rows.get(2).get("exit_code").asInt());
        // the metric is the mean over conditions of the run's own per-condition means
        JsonNode summary = JSON.readTree(Path.of(finished.runDir(), "summary.json").toFile());
        double sum = 0;
        int n = 0;
        for (JsonNode row : summary.get("rows")) {
            if (row.get("metric").asText().equals("kl")) {
                sum += row.get("mean").asDouble();
                n++;
            }
        }
        assertEquals(2, n);
        assertEquals(sum / n, rows.get(0).get("kl").asDouble(), 1e-12);
        assertTrue(rows.get(0).get("wall_seconds").asDouble() > 0);
        for (String ext : new String[] {"csv", "json", "md", "html"}) {
            assertTrue(Files.isRegularFile(dir.path().resolve("leaderboard." + ext)), ext);
        }
        assertTrue(Files.readString(dir.path().resolve("battery_summary.csv")).lines().anyMatch(l -> l.startsWith("2,b/bad,FAILED,")));
    }

    @Test
    void aConfigEditedAfterPlanningIsRefused() throws Exception {
        BatteryManifest.Entry e = dir.manifest().entry(0);
        Files.writeString(dir.config(e), Files.readString(dir.config(e)).replace("\"seeds\" : [ 0 ]", "\"seeds\" : [ 1 ]"));
        assertEquals(1, new BatteryTask(dir, Clock.systemUTC()).run(0));
        assertTrue(dir.exit(0).orElseThrow().error().contains("no longer matches the manifest"), dir.exit(0).toString());
        assertFalse(dir.started(0).isPresent(), "nothing may run from an edited config");
    }

    /** A scheduler that says what the test tells it. */
    private static final class Scripted implements SchedulerView {
        final Map<Integer, Task> tasks = new HashMap<>();

        @Override
        public Map<Integer, Task> tasks(Submission submission) {
            return tasks;
        }

        @Override
        public Optional<Task> mergeJob(Submission submission) {
            return Optional.empty();
        }

        @Override
        public Optional<String> problem() {
            return Optional.empty();
        }
    }

    private static SchedulerView.Task slurm(TaskState state, Integer exit) {
        return new SchedulerView.Task(state, Optional.ofNullable(exit), Optional.empty());
    }

    /** A started task whose run directory says {@code state} (RUNNING: never ended). */
    private void started(int index, String state) throws Exception {
        Path run = Files.createDirectories(tmp.resolve("runs/fake" + index));
        RunStatusFile status = RunStatusFile.start(run, "h", "fake");
        switch (state) {
            case "KILLED" -> status.killed();
            case "FINISHED" -> status.finished();
            default -> { }
        }
        dir.writeStarted(new TaskRecords.Started(index, run.toString(), 1, "host", "7", Instant.now().toString()));
    }

    @Test
    void runDirectoriesAreTheTruthOnceStartedAndTheSchedulerExplainsTheRest() throws Exception {
        dir.writeSubmission(new Submission(Submission.SLURM, List.of(0, 1, 2), "5", "9", "test", Instant.now().toString()));
        Scripted slurm = new Scripted();
        // 0: scancel'd mid-run -> its run KILLED, Slurm CANCELLED
        started(0, "KILLED");
        slurm.tasks.put(0, slurm(TaskState.CANCELLED, 143));
        // 1: the process died (node failure) with status.json still RUNNING; the log says why
        started(1, "RUNNING");
        Files.writeString(dir.taskLog(1), "loading\nslurmstepd: error: node failure\n\n");
        slurm.tasks.put(1, slurm(TaskState.FAILED, 1));
        // 2: still queued
        slurm.tasks.put(2, slurm(TaskState.PENDING, null));
        List<TaskStatus> s = BatteryStatus.read(dir, slurm).tasks();
        assertEquals(TaskState.CANCELLED, s.get(0).state());
        assertEquals(TaskState.FAILED, s.get(1).state());
        assertTrue(s.get(1).detail().orElseThrow().endsWith("slurmstepd: error: node failure"), s.get(1).detail().toString());
        assertEquals(1, s.get(1).exitCode().getAsInt());
        assertEquals(TaskState.PENDING, s.get(2).state());

        // the time limit, not a cancel; a run FINISHED outranks whatever the scheduler says
        slurm.tasks.put(0, slurm(TaskState.TIMEOUT, 143));
        started(1, "FINISHED");
        slurm.tasks.put(2, slurm(TaskState.CANCELLED, null));
        s = BatteryStatus.read(dir, slurm).tasks();
        assertEquals(TaskState.TIMEOUT, s.get(0).state());
        assertEquals(TaskState.FINISHED, s.get(1).state());
        assertEquals(TaskState.CANCELLED, s.get(2).state(), "cancelled before it started");
        assertTrue(s.get(0).describe().startsWith("0 b/zero  TIMEOUT (exit 143: stopped mid-run"), s.get(0).describe());

        // Slurm says COMPLETED but the task never started its run: that is a failure, not a success
        slurm.tasks.put(2, slurm(TaskState.FINISHED, 0));
        assertEquals(TaskState.FAILED, BatteryStatus.read(dir, slurm).tasks().get(2).state());
        // the scheduler answered and no longer knows a task that never wrote anything
        slurm.tasks.remove(2);
        assertEquals(TaskState.UNKNOWN, BatteryStatus.read(dir, slurm).tasks().get(2).state());
    }
}

package lab.harness.battery;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import lab.harness.config.RunConfig;
import lab.harness.config.RunConfigLoader;
import lab.harness.rundir.RunState;
import lab.harness.rundir.RunStatusFile;
import lab.harness.run.ExperimentRunner;

/**
 * Runs task i of a battery directory in this process, through the same {@link ExperimentRunner}
 * as {@code harness run}: loads {@code configs/<i>.json} (refusing one whose hash no longer matches
 * the manifest), records {@code tasks/<i>.started.json} once the run directory exists and
 * {@code tasks/<i>.exit.json} when it ends. On SIGINT / SIGTERM (Slurm's scancel and time limit
 * send SIGTERM) the run's own shutdown hook marks it KILLED and this one writes the exit record.
 */
public final class BatteryTask {

    /** Exit status of a task process by how its run ended. */
    public static int exitCode(RunState state) {
        return switch (state) {
            case FINISHED -> 0;
            case KILLED -> 130;
            default -> 1;
        };
    }

    /** Exit code recorded when the task was stopped by a signal (the JVM cannot tell which). */
    public static final int SIGNALLED = -1;

    private final BatteryDirectory dir;
    private final Clock clock;

    public BatteryTask(BatteryDirectory dir, Clock clock) {
        this.dir = dir;
        this.clock = clock;
    }

    /** The task index from {@code --index}, else Slurm's {@code SLURM_ARRAY_TASK_ID}. */
    public static int index(Integer given) {
        if (given != null) {
            return given;
        }
        String slurm = System.getenv("SLURM_ARRAY_TASK_ID");
        if (slurm == null || slurm.isBlank()) {
            throw new IllegalArgumentException("no task index: give --index I (or run it as a Slurm array task, which sets"
                    + " SLURM_ARRAY_TASK_ID)");
        }
        try {
            return Integer.parseInt(slurm.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("SLURM_ARRAY_TASK_ID='" + slurm + "' is not a task index");
        }
    }

    /** Runs the task to its end and returns the process exit status ({@link #exitCode}). */
    public int run(int index) throws IOException {
        BatteryManifest manifest = dir.manifest();
        BatteryManifest.Entry entry = manifest.entry(index);
        Instant start = clock.instant();
        AtomicReference<Path> runDir = new AtomicReference<>();
        AtomicBoolean ended = new AtomicBoolean();
        Thread onSignal = new Thread(() -> {
            if (ended.compareAndSet(false, true)) {
                writeExitQuietly(index, RunState.KILLED, SIGNALLED, runDir.get(), start, "stopped by a signal (SIGINT or SIGTERM)");
            }
        }, "battery-task-stopped");
        Runtime.getRuntime().addShutdownHook(onSignal);
        RunState state;
        String error = null;
        try {
            RunConfig config = load(manifest, entry);
            ExperimentRunner.Outcome outcome = new ExperimentRunner(clock).run(config, d -> {
                runDir.set(d);
                dir.writeStarted(new TaskRecords.Started(index, d.toString(), ProcessHandle.current().pid(), RunStatusFile.hostName(),
                        System.getenv("SLURM_JOB_ID"), start.toString()));
            });
            state = outcome.state();
            System.out.println(state + " " + outcome.directory());
        } catch (RuntimeException | IOException e) {
            state = RunState.FAILED;
            error = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse(e.getMessage());
            System.err.println("harness battery task " + index + ": FAILED: " + error);
        }
        int code = exitCode(state);
        if (ended.compareAndSet(false, true)) {
            writeExitQuietly(index, state, code, runDir.get(), start, error);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(onSignal);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
        return code;
    }

    /**
     * Records the end of a task whose process never wrote its own exit record: one never started
     * because its battery was stopped (KILLED), or one whose JVM died before its run began (FAILED).
     */
    public static void recordExit(BatteryDirectory dir, int index, RunState state, int exitCode, String error, Instant now) {
        try {
            dir.writeExit(new TaskRecords.Exit(index, state.name(), exitCode, null, now.toString(), now.toString(), 0, error));
        } catch (IOException e) {
            System.err.println("could not write the exit record of task " + index + ": " + e.getMessage());
        }
    }

    private RunConfig load(BatteryManifest manifest, BatteryManifest.Entry entry) {
        RunConfig config = new RunConfigLoader(Path.of(manifest.baseDir())).load(dir.config(entry), java.util.List.of());
        if (!config.hash().equals(entry.configHash())) {
            throw new IllegalArgumentException(dir.config(entry) + " no longer matches the manifest (config hash "
                    + config.shortHash() + ", manifest " + entry.configHash().substring(0, 8) + "); it was edited after"
                    + " the battery was planned: plan the battery again");
        }
        return config;
    }

    private void writeExitQuietly(int index, RunState state, int code, Path runDir, Instant start, String error) {
        Instant end = clock.instant();
        try {
            dir.writeExit(new TaskRecords.Exit(index, state.name(), code, runDir == null ? null : runDir.toString(),
                    start.toString(), end.toString(), Duration.between(start, end).toMillis() / 1000.0, error));
        } catch (IOException e) {
            System.err.println("could not write the exit record of task " + index + ": " + e.getMessage());
        }
    }
}

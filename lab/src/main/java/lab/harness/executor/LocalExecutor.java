package lab.harness.executor;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import lab.harness.battery.BatteryDirectory;
import lab.harness.battery.BatteryManifest;
import lab.harness.battery.BatteryTask;
import lab.harness.battery.Submission;
import lab.harness.rundir.RunState;

/**
 * Runs a battery directory's tasks on this machine, up to {@code jobs} at once, each in its own JVM
 * ({@code harness battery task DIR --index I}, output to {@code tasks/<i>.log}) with
 * {@code cores / jobs} libtorch threads. Ctrl+C (or SIGTERM) stops every running task with SIGTERM,
 * which each handles as Ctrl+C (its run is marked KILLED), waits for them, and records the tasks
 * not yet started as KILLED too.
 */
public final class LocalExecutor {

    /** How long a stopped task may take to flush its results before it is killed outright. */
    private static final long STOP_GRACE_SECONDS = 30;

    private final TaskCommand command;
    private final int jobs;
    private final Consumer<String> log;
    private final Clock clock;
    private final Object lock = new Object();
    private final Map<Integer, Process> running = new LinkedHashMap<>();
    private boolean stopping;

    public LocalExecutor(TaskCommand command, int jobs, Consumer<String> log, Clock clock) {
        if (jobs < 1) {
            throw new IllegalArgumentException("--jobs " + jobs + ": give 1 or more");
        }
        this.command = command;
        this.jobs = jobs;
        this.log = log;
        this.clock = clock;
    }

    /** libtorch threads per task: the machine's cores shared among the tasks that run at once. */
    public static int threadsPerTask(int jobs) {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / jobs);
    }

    /** Runs the tasks to their end; returns false when stopped by a signal. */
    public boolean run(BatteryDirectory dir, List<Integer> indices) throws IOException, InterruptedException {
        int threads = threadsPerTask(jobs);
        dir.writeSubmission(new Submission(Submission.LOCAL, indices, null, null,
                "local executor, pid " + ProcessHandle.current().pid() + ", " + jobs + " jobs x " + threads + " threads",
                clock.instant().toString()));
        BatteryManifest manifest = dir.manifest();
        Deque<Integer> queue = new ArrayDeque<>(indices);
        Thread onStop = new Thread(() -> stopAll(dir, queue), "battery-local-stop");
        Runtime.getRuntime().addShutdownHook(onStop);
        int done = 0;
        try {
            while (true) {
                synchronized (lock) {
                    if (stopping) {
                        return false;
                    }
                    while (running.size() < jobs && !queue.isEmpty()) {
                        int i = queue.poll();
                        running.put(i, start(dir, i, threads));
                        log.accept("started task " + i + " " + manifest.entry(i).name());
                    }
                    if (running.isEmpty()) {
                        break;
                    }
                }
                for (var e : List.copyOf(runningSnapshot().entrySet())) {
                    if (e.getValue().waitFor(200, TimeUnit.MILLISECONDS)) {
                        synchronized (lock) {
                            running.remove(e.getKey());
                        }
                        done++;
                        if (dir.exit(e.getKey()).isEmpty()) {
                            BatteryTask.recordExit(dir, e.getKey(), RunState.FAILED, e.getValue().exitValue(),
                                    dir.lastLogLine(e.getKey()).orElse("the task process ended without a word"), clock.instant());
                        }
                        log.accept("[" + done + "/" + indices.size() + "] task " + e.getKey() + " "
                                + manifest.entry(e.getKey()).name() + ": exit " + e.getValue().exitValue());
                    }
                }
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onStop);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running
            }
        }
        return true;
    }

    private Map<Integer, Process> runningSnapshot() {
        synchronized (lock) {
            return new LinkedHashMap<>(running);
        }
    }

    private Process start(BatteryDirectory dir, int index, int threads) {
        List<String> cmd = command.java(threads, OptionalLong.empty(), "battery", "task", dir.path().toString(),
                "--index", Integer.toString(index));
        try {
            return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.taskLog(index).toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start task " + index + " (" + cmd.get(0) + "): " + e.getMessage(), e);
        }
    }

    /** Shutdown hook: SIGTERM to every running task, wait for them, record the unstarted ones as KILLED. */
    private void stopAll(BatteryDirectory dir, Deque<Integer> queue) {
        Map<Integer, Process> toStop;
        synchronized (lock) {
            stopping = true;
            toStop = new LinkedHashMap<>(running);
        }
        toStop.values().forEach(Process::destroy);
        for (var e : toStop.entrySet()) {
            try {
                if (!e.getValue().waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                    e.getValue().destroyForcibly();
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                e.getValue().destroyForcibly();
            }
        }
        List<Integer> unstarted;
        synchronized (lock) {
            unstarted = List.copyOf(queue);
        }
        Instant now = clock.instant();
        for (int i : unstarted) {
            BatteryTask.recordExit(dir, i, RunState.KILLED, BatteryTask.SIGNALLED, "not started: the battery was stopped", now);
        }
        System.err.println("battery stopped: " + toStop.size() + " running task(s) stopped (their runs marked KILLED), "
                + unstarted.size() + " not started (recorded KILLED) in " + dir.path());
    }
}

package lab.harness.executor;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import lab.harness.battery.BatteryDirectory;
import lab.harness.battery.Submission;
import lab.harness.provenance.Provenance;
import lab.io.AtomicFiles;

/**
 * Submits a battery directory to Slurm: ONE job array whose task i runs {@code harness battery
 * task DIR} (the index from {@code SLURM_ARRAY_TASK_ID}, output to {@code tasks/<i>.log}), and a
 * merge job ({@code harness battery merge DIR}) with {@code --dependency=afterany:<array>}, so it
 * runs however the tasks ended. The two scripts are kept in {@code slurm/}; the job ids in
 * {@code submission.json}.
 */
public final class SlurmSubmitter {

    private static final Duration SBATCH_TIMEOUT = Duration.ofSeconds(120);

    private final TaskCommand command;
    private final SlurmOptions options;
    private final Clock clock;

    public SlurmSubmitter(TaskCommand command, SlurmOptions options, Clock clock) {
        this.command = command;
        this.options = options;
        this.clock = clock;
    }

    /** Refuses to start when sbatch is missing, before anything is written. */
    public static void requireSbatch() {
        if (!Commands.onPath("sbatch")) {
            throw new IllegalStateException("--executor slurm: sbatch is not on the PATH; run this on a Slurm login node"
                    + " (or use --executor local --jobs N)");
        }
    }

    /**
     * @param mergeArgs extra arguments of the merge ({@code --metric kl --direction ASCENDING})
     * @param workDir the tasks' working directory (relative paths of the run configs resolve there)
     */
    public Submission submit(BatteryDirectory dir, List<Integer> indices, List<String> mergeArgs, Path workDir) throws IOException {
        if (indices.isEmpty()) {
            throw new IllegalArgumentException("nothing to submit: every selected run already finished (--skip-existing)");
        }
        String name = dir.manifest().battery();
        Path scripts = dir.slurmDir();
        Path taskScript = scripts.resolve("task.sh");
        Path mergeScript = scripts.resolve("merge.sh");
        int threads = options.cpusPerTask();
        List<String> taskArgs = List.of("battery", "task", dir.path().toString());
        writeScript(taskScript, "task $SLURM_ARRAY_TASK_ID of battery " + name + ": one run, as `harness run` runs it",
                threads, command.java(threads, options.heapMegabytes(), taskArgs.toArray(String[]::new)));
        List<String> merge = new ArrayList<>(List.of("battery", "merge", dir.path().toString()));
        merge.addAll(mergeArgs);
        writeScript(mergeScript, "merge of battery " + name + ": summary and leaderboard, whatever the tasks did",
                1, command.java(1, options.heapMegabytes(), merge.toArray(String[]::new)));

        List<String> array = new ArrayList<>(List.of("sbatch", "--parsable", "--job-name=" + name,
                "--array=" + options.arraySpec(indices), "--output=" + dir.path().resolve("tasks") + "/%a.log",
                "--chdir=" + workDir.toAbsolutePath().normalize()));
        array.addAll(options.taskFlags());
        array.add(taskScript.toString());
        String arrayJob = sbatch(array, "the job array");

        List<String> mergeJob = new ArrayList<>(List.of("sbatch", "--parsable", "--job-name=" + name + "-merge",
                "--dependency=afterany:" + arrayJob, "--output=" + scripts.resolve("merge.log"),
                "--chdir=" + workDir.toAbsolutePath().normalize(), "--cpus-per-task=1"));
        mergeJob.addAll(options.commonFlags());
        mergeJob.add(mergeScript.toString());
        String mergeId;
        try {
            mergeId = sbatch(mergeJob, "the merge job");
        } catch (IllegalStateException e) {
            Commands.run(List.of("scancel", arrayJob), Duration.ofSeconds(30));
            throw new IllegalStateException(e.getMessage() + "; the job array " + arrayJob + " was cancelled", e);
        }
        Submission submission = new Submission(Submission.SLURM, indices, arrayJob, mergeId,
                shell(array) + "\n" + shell(mergeJob), clock.instant().toString());
        dir.writeSubmission(submission);
        return submission;
    }

    private static void writeScript(Path file, String what, int threads, List<String> java) throws IOException {
        String script = "#!/bin/bash\n# " + what + "\n"
                + "# written by harness battery --executor slurm; exec, so Slurm's SIGTERM (scancel, time limit) reaches the JVM\n"
                + "export OMP_NUM_THREADS=" + threads + "\n"
                + "exec " + shell(java) + "\n";
        AtomicFiles.writeString(file, script);
        if (!file.toFile().setExecutable(true)) {
            throw new IOException("cannot make " + file + " executable");
        }
    }

    private static String sbatch(List<String> cmd, String what) {
        Commands.Result r = Commands.run(cmd, SBATCH_TIMEOUT);
        Optional<String> id = r.output().strip().lines().reduce((a, b) -> b).map(l -> l.split(";")[0].strip());
        if (!r.ok() || id.isEmpty() || !id.get().matches("\\d+")) {
            throw new IllegalStateException("sbatch refused " + what + ": " + r.firstLine() + " (command: " + shell(cmd) + ")");
        }
        return id.get();
    }

    private static String shell(List<String> cmd) {
        return String.join(" ", cmd.stream().map(Provenance::quote).toList());
    }
}

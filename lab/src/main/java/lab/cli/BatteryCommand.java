package lab.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import lab.harness.battery.Battery;
import lab.harness.battery.BatteryDirectory;
import lab.harness.battery.BatteryMerge;
import lab.harness.battery.BatteryOptions;
import lab.harness.battery.BatteryRunner;
import lab.harness.battery.BatteryStatus;
import lab.harness.battery.BatterySummary;
import lab.harness.battery.PlannedRun;
import lab.harness.battery.RunOutcome;
import lab.harness.battery.SchedulerView;
import lab.harness.battery.Submission;
import lab.harness.config.RunConfigLoader;
import lab.harness.executor.LocalExecutor;
import lab.harness.executor.SlurmOptions;
import lab.harness.executor.SlurmQueue;
import lab.harness.executor.SlurmSubmitter;
import lab.harness.executor.TaskCommand;
import lab.harness.run.ExperimentRunner;
import lab.viz.RankDirection;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code harness battery BATTERY.json}: many runs from a base config, variants and a grid. */
@Command(name = "battery", mixinStandardHelpOptions = true,
        subcommands = {BatteryTaskCommand.class, BatteryMergeCommand.class, BatteryStatusCommand.class},
        description = "Run every variant x grid point of a battery config; a failed run is marked FAILED and the battery goes on."
                + " --executor local|slurm lays the battery out in runs/<battery>_<time>/ (manifest, configs, task logs)"
                + " and runs it as child processes or as one Slurm job array plus a merge job.")
final class BatteryCommand implements java.util.concurrent.Callable<Integer> {

    enum Executor { inprocess, local, slurm }

    @Parameters(index = "0", arity = "0..1", paramLabel = "BATTERY.json", description = "Battery config (see lab/configs/schema/battery.schema.json).")
    Path file;

    @Option(names = "--filter", paramLabel = "REGEX", description = "Only runs whose name matches (searched anywhere in the name).")
    String filter;

    @Option(names = "--skip-existing", description = "Skip runs whose resolved config already FINISHED under output.root.")
    boolean skipExisting;

    @Option(names = "--max-runs", paramLabel = "N", description = "Start at most N runs.")
    Integer maxRuns;

    @Option(names = "--dry-run", description = "List what would run, and what would be skipped, without running.")
    boolean dryRun;

    @Option(names = "--executor", defaultValue = "inprocess",
            description = "inprocess (default: one run after another in this process), local (child processes, --jobs at once)"
                    + " or slurm (one job array).")
    Executor executor;

    @Option(names = "--jobs", paramLabel = "N", description = "--executor local: runs at once (default: the number of cores).")
    Integer jobs;

    @Option(names = "--wait", description = "--executor slurm: wait for every task and the merge job, with a progress line.")
    boolean waitForEnd;

    @Option(names = "--metric", description = "Metric of the merged summary and leaderboard (default: the runs' first metric).")
    String metric;

    @Option(names = "--direction", description = "Leaderboard order: ASCENDING or DESCENDING (default).")
    RankDirection direction;

    @Option(names = "--pareto-against", description = "The merged leaderboard's Pareto front against this metric (lower is"
            + " better, e.g. l0 for SAEs ranked by mse) instead of wall time.")
    String paretoAgainst;

    @ArgGroup(exclusive = false, heading = "Slurm (--executor slurm):%n")
    SlurmFlags slurm;

    @Override
    public Integer call() throws Exception {
        if (file == null) {
            throw new IllegalArgumentException("give a battery file (harness battery BATTERY.json) or a command: task, merge, status");
        }
        checkFlags();
        // parsed (and refused when bad) before anything is written
        SlurmOptions slurmOptions = slurm == null ? SlurmOptions.defaults() : slurm.options();
        if (executor == Executor.slurm && !dryRun) {
            SlurmSubmitter.requireSbatch();
        }
        Battery battery = Battery.load(file, RunConfigLoader.inWorkingDirectory());
        BatteryOptions options = BatteryOptions.all().withSkipExisting(skipExisting).withDryRun(dryRun);
        if (filter != null) {
            options = options.withFilter(filter);
        }
        if (maxRuns != null) {
            options = options.withMaxRuns(maxRuns);
        }
        if (executor == Executor.inprocess || dryRun) {
            return inProcess(battery, options);
        }
        List<PlannedRun> plan = BatteryRunner.plan(battery, options);
        if (plan.stream().noneMatch(p -> p.action() == PlannedRun.Action.RUN)) {
            throw new IllegalArgumentException("nothing to run: " + (plan.isEmpty() ? "no run matches --filter"
                    : "every selected run already finished (--skip-existing)"));
        }
        Path workDir = RunConfigLoader.inWorkingDirectory().baseDir();
        Path root = plan.get(0).run().config().output().root();
        BatteryDirectory dir = BatteryDirectory.create(root, battery, plan, workDir, Clock.systemUTC());
        List<Integer> toRun = dir.manifest().toRun();
        System.err.println("battery " + battery.name() + ": " + toRun.size() + " run(s) to launch, "
                + (dir.manifest().runs().size() - toRun.size()) + " already finished; directory " + dir.path());
        TaskCommand command = new TaskCommand(HarnessCommand.class.getName());
        if (executor == Executor.local) {
            int n = jobs == null ? Runtime.getRuntime().availableProcessors() : jobs;
            boolean completed = new LocalExecutor(command, n, System.err::println, Clock.systemUTC()).run(dir, toRun);
            if (!completed) {
                return 130;
            }
            BatteryMerge.Result merged = BatteryMerge.merge(dir, SchedulerView.NONE, Optional.ofNullable(metric), order(),
                    paretoAgainst);
            return report(merged.status(), dir);
        }
        Submission submission = new SlurmSubmitter(command, slurmOptions, Clock.systemUTC()).submit(dir, toRun, mergeArgs(), workDir);
        System.err.println("submitted job array " + submission.arrayJob() + " (" + toRun.size() + " tasks) and merge job "
                + submission.mergeJob() + "; follow it with: scripts/harness battery status " + dir.path());
        if (!waitForEnd) {
            System.out.println(dir.path());
            return 0;
        }
        return report(BatteryWait.until(dir, new SlurmQueue(), 5), dir);
    }

    private void checkFlags() {
        if (jobs != null && executor != Executor.local) {
            throw new IllegalArgumentException("--jobs is for --executor local (add it, or drop --jobs)");
        }
        if (slurm != null && executor != Executor.slurm) {
            throw new IllegalArgumentException("Slurm options (--partition, --time, --mem, ...) need --executor slurm");
        }
        if (waitForEnd && executor != Executor.slurm) {
            throw new IllegalArgumentException("--wait is for --executor slurm (the other executors wait anyway)");
        }
        if ((metric != null || direction != null || paretoAgainst != null) && executor == Executor.inprocess) {
            throw new IllegalArgumentException("--metric/--direction/--pareto-against set the merged leaderboard of --executor local|slurm;"
                    + " for in-process batteries use `harness leaderboard --metric M`");
        }
    }

    private RankDirection order() {
        return direction == null ? RankDirection.DESCENDING : direction;
    }

    private List<String> mergeArgs() {
        List<String> args = new ArrayList<>();
        if (metric != null) {
            args.addAll(List.of("--metric", metric));
        }
        args.addAll(List.of("--direction", order().name()));
        if (paretoAgainst != null) {
            args.addAll(List.of("--pareto-against", paretoAgainst));
        }
        return args;
    }

    private static int report(BatteryStatus status, BatteryDirectory dir) {
        status.tasks().forEach(t -> System.err.println(t.describe()));
        System.err.println(status.progressLine());
        System.out.println(dir.path());
        return status.allFinished() ? 0 : 1;
    }

    private Integer inProcess(Battery battery, BatteryOptions options) {
        ExperimentRunner runner = new ExperimentRunner(Clock.systemUTC());
        BatterySummary summary = new BatteryRunner(run -> runner.run(run.config()).state(), System.err::println)
                .run(battery, options);
        System.out.println(summary.describe());
        boolean anyFailed = summary.outcomes().stream().anyMatch(o -> o.result() == RunOutcome.Result.FAILED);
        return anyFailed ? 1 : 0;
    }
}

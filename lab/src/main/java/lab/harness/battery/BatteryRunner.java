package lab.harness.battery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import lab.harness.rundir.FinishedRuns;
import lab.harness.rundir.RunState;

/**
 * Runs a battery through a {@link RunLauncher}: select by {@code --filter}, look each run up among
 * the finished runs of its {@code output.root}, skip those with {@code --skip-existing}, launch at
 * most {@code --max-runs}. A run that fails (or whose launcher throws) is recorded and the battery
 * goes on; a KILLED run stops it.
 */
public final class BatteryRunner {

    private final RunLauncher launcher;
    private final Consumer<String> log;

    /** @param log progress lines ({@code [2/4] h1_sweep/zero/n_examples=32: FAILED (...)}) */
    public BatteryRunner(RunLauncher launcher, Consumer<String> log) {
        this.launcher = launcher;
        this.log = log;
    }

    /** What {@link #run} would do, without launching anything (the {@code --dry-run} listing). */
    public static List<PlannedRun> plan(Battery battery, BatteryOptions options) {
        Map<Path, FinishedRuns> finishedByRoot = new HashMap<>();
        List<PlannedRun> plan = new ArrayList<>();
        int toRun = 0;
        for (BatteryRun run : battery.runs()) {
            if (options.filter().isPresent() && !options.filter().get().matcher(run.name()).find()) {
                continue;
            }
            Path root = run.config().output().root();
            Optional<Path> finished = finishedByRoot.computeIfAbsent(root, BatteryRunner::scan).find(run.config().hash());
            PlannedRun.Action action;
            if (options.skipExisting() && finished.isPresent()) {
                action = PlannedRun.Action.SKIP_EXISTING;
            } else if (options.maxRuns().isPresent() && toRun >= options.maxRuns().getAsInt()) {
                action = PlannedRun.Action.OVER_MAX_RUNS;
            } else {
                action = PlannedRun.Action.RUN;
                toRun++;
            }
            plan.add(new PlannedRun(run, finished, action));
        }
        return plan;
    }

    public BatterySummary run(Battery battery, BatteryOptions options) {
        List<PlannedRun> plan = plan(battery, options);
        List<RunOutcome> outcomes = new ArrayList<>();
        if (options.dryRun()) {
            plan.forEach(p -> {
                log.accept(p.describe());
                outcomes.add(new RunOutcome(p, RunOutcome.Result.NOT_RUN, Optional.empty()));
            });
            return new BatterySummary(battery.name(), battery.runs().size(), outcomes, true);
        }
        long launches = plan.stream().filter(p -> p.action() == PlannedRun.Action.RUN).count();
        int launched = 0;
        boolean stopped = false;
        for (PlannedRun p : plan) {
            if (p.action() == PlannedRun.Action.SKIP_EXISTING) {
                log.accept("skip " + p.run().name() + ": finished in " + p.finishedRun().get());
                outcomes.add(new RunOutcome(p, RunOutcome.Result.SKIPPED_EXISTING, Optional.empty()));
                continue;
            }
            if (p.action() == PlannedRun.Action.OVER_MAX_RUNS || stopped) {
                outcomes.add(new RunOutcome(p, RunOutcome.Result.NOT_RUN, Optional.empty()));
                continue;
            }
            launched++;
            String prefix = "[" + launched + "/" + launches + "] " + p.run().name();
            log.accept(prefix + ": starting");
            RunOutcome outcome = launch(p);
            log.accept(prefix + ": " + outcome.result() + outcome.error().map(e -> " (" + e + ")").orElse(""));
            outcomes.add(outcome);
            stopped = outcome.result() == RunOutcome.Result.KILLED;
        }
        BatterySummary summary = new BatterySummary(battery.name(), battery.runs().size(), outcomes, false);
        log.accept(summary.describe());
        return summary;
    }

    private RunOutcome launch(PlannedRun p) {
        try {
            RunState state = launcher.launch(p.run());
            return switch (state == null ? RunState.RUNNING : state) {
                case FINISHED -> new RunOutcome(p, RunOutcome.Result.FINISHED, Optional.empty());
                case KILLED -> new RunOutcome(p, RunOutcome.Result.KILLED, Optional.empty());
                case FAILED -> new RunOutcome(p, RunOutcome.Result.FAILED, Optional.empty());
                case RUNNING -> new RunOutcome(p, RunOutcome.Result.FAILED,
                        Optional.of("the launcher returned without the run ending"));
            };
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new RunOutcome(p, RunOutcome.Result.KILLED, Optional.of("interrupted"));
        } catch (Exception e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            return new RunOutcome(p, RunOutcome.Result.FAILED, Optional.of(message.lines().findFirst().orElse(message)));
        }
    }

    private static FinishedRuns scan(Path root) {
        try {
            return FinishedRuns.scan(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
    }
}

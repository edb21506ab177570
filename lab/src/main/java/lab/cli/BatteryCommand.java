package lab.cli;

import java.nio.file.Path;
import java.time.Clock;
import lab.harness.battery.Battery;
import lab.harness.battery.BatteryOptions;
import lab.harness.battery.BatteryRunner;
import lab.harness.battery.BatterySummary;
import lab.harness.battery.RunOutcome;
import lab.harness.config.RunConfigLoader;
import lab.harness.run.ExperimentRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code harness battery BATTERY.json}: many runs from a base config, variants and a grid. */
@Command(name = "battery", mixinStandardHelpOptions = true,
        description = "Run every variant x grid point of a battery config; a failed run is marked FAILED and the battery goes on.")
final class BatteryCommand implements java.util.concurrent.Callable<Integer> {

    @Parameters(index = "0", paramLabel = "BATTERY.json", description = "Battery config (see lab/configs/schema/battery.schema.json).")
    Path file;

    @Option(names = "--filter", paramLabel = "REGEX", description = "Only runs whose name matches (searched anywhere in the name).")
    String filter;

    @Option(names = "--skip-existing", description = "Skip runs whose resolved config already FINISHED under output.root.")
    boolean skipExisting;

    @Option(names = "--max-runs", paramLabel = "N", description = "Start at most N runs.")
    Integer maxRuns;

    @Option(names = "--dry-run", description = "List what would run, and what would be skipped, without running.")
    boolean dryRun;

    @Override
    public Integer call() {
        Battery battery = Battery.load(file, RunConfigLoader.inWorkingDirectory());
        BatteryOptions options = BatteryOptions.all().withSkipExisting(skipExisting).withDryRun(dryRun);
        if (filter != null) {
            options = options.withFilter(filter);
        }
        if (maxRuns != null) {
            options = options.withMaxRuns(maxRuns);
        }
        ExperimentRunner runner = new ExperimentRunner(Clock.systemUTC());
        BatterySummary summary = new BatteryRunner(run -> runner.run(run.config()).state(), System.err::println)
                .run(battery, options);
        System.out.println(summary.describe());
        boolean anyFailed = summary.outcomes().stream().anyMatch(o -> o.result() == RunOutcome.Result.FAILED);
        return anyFailed ? 1 : 0;
    }
}

package lab.cli;

import java.nio.file.Path;
import java.util.Optional;
import lab.harness.battery.BatteryDirectory;
import lab.harness.battery.BatteryMerge;
import lab.harness.executor.Schedulers;
import lab.viz.RankDirection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code harness battery merge DIR}: the battery's summary and leaderboard, whatever its tasks did. */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = "Write battery_summary.json/.csv (per task: state, wall time, the metric) and the leaderboard of the"
                + " finished runs (leaderboard.csv/.json/.md/.html) into a battery directory, even when tasks failed.")
final class BatteryMergeCommand implements java.util.concurrent.Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "Battery directory (holds manifest.json).")
    Path dir;

    @Option(names = "--metric", description = "Metric to rank by (default: the first metric of the battery's runs).")
    String metric;

    @Option(names = "--direction", defaultValue = "DESCENDING",
            description = "ASCENDING (lower is better) or DESCENDING (higher is better; default).")
    RankDirection direction;

    @Option(names = "--pareto-against", description = "Mark the leaderboard's Pareto front against this metric (lower is"
            + " better, e.g. l0 for SAEs ranked by mse) instead of wall time.")
    String paretoAgainst;

    @Override
    public Integer call() throws Exception {
        BatteryDirectory battery = BatteryDirectory.open(dir);
        BatteryMerge.Result result = BatteryMerge.merge(battery, Schedulers.forDirectory(battery),
                Optional.ofNullable(metric), direction, paretoAgainst);
        result.status().tasks().forEach(t -> System.out.println(t.describe()));
        System.out.println(result.status().progressLine());
        System.out.println("wrote " + result.summaryJson() + result.leaderboard()
                .map(b -> " and the leaderboard of " + result.ranked() + " run(s) by " + result.metric() + ": "
                        + battery.path().resolve("leaderboard.{csv,json,md,html}"))
                .orElse(" (no finished run: no leaderboard)"));
        return 0;
    }
}

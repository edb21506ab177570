package lab.cli;

import java.nio.file.Path;
import java.util.List;
import lab.harness.leaderboard.RunRecords;
import lab.viz.Leaderboard;
import lab.viz.LeaderboardEntry;
import lab.viz.RankDirection;
import lab.viz.RunSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code harness leaderboard}: the finished runs under a root, ranked, with the Pareto front against wall time. */
@Command(name = "leaderboard", mixinStandardHelpOptions = true,
        description = "Rank the finished runs under a results root by a metric (its mean over conditions) and write"
                + " leaderboard.csv, .json, .md and .html, marking the Pareto front of metric against wall time.")
final class LeaderboardCommand implements java.util.concurrent.Callable<Integer> {

    @Option(names = "--root", defaultValue = "runs", description = "Results root (default: ${DEFAULT-VALUE}).")
    Path root;

    @Option(names = "--metric", required = true, description = "Metric to rank by, e.g. logit_diff or kl.")
    String metric;

    @Option(names = "--direction", defaultValue = "DESCENDING",
            description = "ASCENDING (lower is better) or DESCENDING (higher is better; default).")
    RankDirection direction;

    @Option(names = "--pareto-against", description = "Mark the Pareto front against this metric (lower is better, e.g."
            + " l0 for SAEs ranked by mse) instead of wall time.")
    String paretoAgainst;

    @Option(names = "--out", description = "Folder for the four files (default: the results root).")
    Path out;

    @Override
    public Integer call() throws Exception {
        List<RunSummary> runs = RunRecords.scan(root);
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no finished runs under " + root + " (a run is finished when its status.json"
                    + " says FINISHED and it has a summary.json)");
        }
        if (paretoAgainst != null && runs.stream().noneMatch(r -> r.metric(paretoAgainst).isPresent())) {
            throw new IllegalArgumentException("--pareto-against " + paretoAgainst + ": no run under " + root
                    + " has that metric; they have: " + runs.get(0).metrics().keySet());
        }
        Leaderboard board = Leaderboard.rank(runs, metric, direction, paretoAgainst);
        if (board.entries().isEmpty()) {
            throw new IllegalArgumentException("no run under " + root + " has metric '" + metric + "'; they have: "
                    + runs.get(0).metrics().keySet());
        }
        Path dir = out == null ? root : out;
        board.writeAll(dir, "leaderboard");
        for (LeaderboardEntry e : board.entries()) {
            System.out.printf("%3d %s %-60s %12.5f %9.1f s%n", e.rank(), e.paretoOptimal() ? "*" : " ", e.run().runName(),
                    e.metricValue(), e.run().wallTimeSeconds());
        }
        System.out.println("(* Pareto front of " + metric + " against " + board.paretoAgainst() + ") wrote " + dir.resolve("leaderboard.{csv,json,md,html}"));
        return 0;
    }
}

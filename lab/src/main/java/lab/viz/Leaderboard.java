package lab.viz;

import lab.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Runs ranked by one metric, with the Pareto front of that metric against a cost marked (wall time,
 * or another metric where lower is better, e.g. an SAE's L0 against its MSE), ready to write as CSV,
 * JSON, Markdown and HTML ({@link #writeAll}).
 *
 * <p>Runs that lack the metric (absent or NaN) cannot be ranked; they are kept in {@link #unranked()}
 * and listed after the ranked ones in every format, so a failed run is visible rather than silently
 * missing.
 */
public final class Leaderboard {

    private final String metric;
    private final RankDirection direction;
    private final List<LeaderboardEntry> entries;
    private final List<RunSummary> unranked;
    private final List<String> otherMetrics;
    private final List<String> params;
    private final String against;

    private Leaderboard(String metric, RankDirection direction, List<LeaderboardEntry> entries,
                        List<RunSummary> unranked, List<String> otherMetrics, List<String> params, String against) {
        this.against = against;
        this.metric = metric;
        this.direction = direction;
        this.entries = List.copyOf(entries);
        this.unranked = List.copyOf(unranked);
        this.otherMetrics = List.copyOf(otherMetrics);
        this.params = List.copyOf(params);
    }

    /**
     * Ranks {@code runs} by {@code metric}, best first. Ties on the metric are listed faster first,
     * then by run name, so the order is reproducible.
     */
    public static Leaderboard rank(List<RunSummary> runs, String metric, RankDirection direction) {
        return rank(runs, metric, direction, null);
    }

    /**
     * As {@link #rank(List, String, RankDirection)}, the Pareto front taken against {@code against}
     * (a metric where lower is better; a run without it is on no front), or wall time when null.
     */
    public static Leaderboard rank(List<RunSummary> runs, String metric, RankDirection direction, String against) {
        Objects.requireNonNull(runs, "runs");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(direction, "direction");

        List<RunSummary> ranked = new ArrayList<>();
        List<RunSummary> unranked = new ArrayList<>();
        TreeSet<String> metricNames = new TreeSet<>();
        TreeSet<String> paramNames = new TreeSet<>();
        for (RunSummary run : runs) {
            (run.metric(metric).isPresent() ? ranked : unranked).add(run);
            metricNames.addAll(run.metrics().keySet());
            paramNames.addAll(run.params().keySet());
        }
        metricNames.remove(metric);

        Comparator<RunSummary> bestFirst = (a, b) -> direction.compareBestFirst(
                a.metric(metric).getAsDouble(), b.metric(metric).getAsDouble());
        ranked.sort(bestFirst
                .thenComparingDouble(RunSummary::wallTimeSeconds)
                .thenComparing(RunSummary::runName));

        double[] values = new double[ranked.size()];
        double[] times = new double[ranked.size()];
        for (int i = 0; i < ranked.size(); i++) {
            values[i] = ranked.get(i).metric(metric).getAsDouble();
            times[i] = against == null ? ranked.get(i).wallTimeSeconds()
                    : ranked.get(i).metric(against).orElse(Double.POSITIVE_INFINITY);
        }
        boolean[] front = ParetoFront.membership(values, times, direction);

        List<LeaderboardEntry> entries = new ArrayList<>(ranked.size());
        int rank = 0;
        for (int i = 0; i < ranked.size(); i++) {
            if (i == 0 || values[i] != values[i - 1]) {
                rank = i + 1;
            }
            entries.add(new LeaderboardEntry(rank, ranked.get(i), values[i], front[i]));
        }
        return new Leaderboard(metric, direction, entries, unranked,
                new ArrayList<>(metricNames), new ArrayList<>(paramNames), against);
    }

    /** An entry's position on the Pareto front's other axis: its wall time, or its value of the other metric. */
    public double cost(LeaderboardEntry e) {
        return against == null ? e.run().wallTimeSeconds() : e.run().metric(against).orElse(Double.NaN);
    }

    /** The unit of {@link #cost}: "s" for wall time, none for a metric. */
    public String costUnit() {
        return against == null ? "s" : "";
    }

    /** What the Pareto front trades the metric against, as text: "wall time" or the other metric's name. */
    public String paretoAgainst() {
        return against == null ? "wall time" : against;
    }

    /** Writes {@code baseName}.csv, .json, .md and .html into {@code dir}, each atomically. */
    public void writeAll(Path dir, String baseName) throws IOException {
        AtomicFiles.writeString(dir.resolve(baseName + ".csv"), LeaderboardCsv.render(this));
        AtomicFiles.writeString(dir.resolve(baseName + ".json"), LeaderboardJson.render(this));
        AtomicFiles.writeString(dir.resolve(baseName + ".md"), LeaderboardMarkdown.render(this));
        AtomicFiles.writeString(dir.resolve(baseName + ".html"), LeaderboardHtml.render(this));
    }

    public String metric() {
        return metric;
    }

    public RankDirection direction() {
        return direction;
    }

    /** Ranked runs, best first. */
    public List<LeaderboardEntry> entries() {
        return entries;
    }

    /** Runs without a value for the metric, in the order given. */
    public List<RunSummary> unranked() {
        return unranked;
    }

    /** The Pareto-optimal entries, best metric first. */
    public List<LeaderboardEntry> paretoFront() {
        return entries.stream().filter(LeaderboardEntry::paretoOptimal).toList();
    }

    /** Every metric any run has, except the ranking one, sorted by name: the extra columns. */
    public List<String> otherMetrics() {
        return otherMetrics;
    }

    /** Every parameter any run has, sorted by name. */
    public List<String> params() {
        return params;
    }
}

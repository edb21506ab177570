package lab.harness.battery;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import lab.harness.leaderboard.RunRecords;
import lab.io.AtomicFiles;
import lab.viz.Leaderboard;
import lab.viz.LeaderboardCsv;
import lab.viz.RankDirection;
import lab.viz.RunSummary;

/**
 * The merge step of a battery directory: {@code battery_summary.json} and {@code .csv} (per task:
 * state, wall time, the metric, run directory, exit code, why it failed) and the leaderboard of its
 * finished runs ({@code leaderboard.csv/.json/.md/.html}, as {@code harness leaderboard} writes
 * them). It runs whatever the tasks did: failed or cancelled tasks are rows of the summary.
 */
public final class BatteryMerge {

    public static final String SUMMARY = "battery_summary";

    /** What the merge wrote. */
    public record Result(BatteryStatus status, String metric, int ranked, Path summaryJson, Optional<Path> leaderboard) {
    }

    private BatteryMerge() {
    }

    /** As {@link #merge(BatteryDirectory, SchedulerView, Optional, RankDirection, String)}, the front against wall time. */
    public static Result merge(BatteryDirectory dir, SchedulerView scheduler, Optional<String> metric, RankDirection direction)
            throws IOException {
        return merge(dir, scheduler, metric, direction, null);
    }

    /**
     * @param metric the metric to rank and report; empty: the first metric of the battery's first run config
     * @param paretoAgainst the metric the leaderboard's Pareto front is taken against (lower is better); null: wall time
     */
    public static Result merge(BatteryDirectory dir, SchedulerView scheduler, Optional<String> metric, RankDirection direction,
                               String paretoAgainst)
            throws IOException {
        BatteryStatus status = BatteryStatus.read(dir, scheduler);
        String chosen = metric.orElseGet(() -> firstMetric(dir));
        List<RunSummary> finished = new ArrayList<>();
        ArrayNode rows = BatteryDirectory.JSON.createArrayNode();
        StringBuilder csv = new StringBuilder("index,name,state,wall_seconds," + LeaderboardCsv.quote(chosen) + ",exit_code,run_dir,detail\n");
        for (TaskStatus t : status.tasks()) {
            Optional<RunSummary> run = t.state() == TaskState.FINISHED && t.runDir().isPresent()
                    ? RunRecords.read(Path.of(t.runDir().get())) : Optional.empty();
            run.ifPresent(finished::add);
            OptionalDouble value = run.map(r -> r.metric(chosen)).orElse(OptionalDouble.empty());
            ObjectNode row = rows.addObject();
            row.put("index", t.index()).put("name", t.name()).put("state", t.state().name());
            putOrNull(row, "wall_seconds", t.wallSeconds());
            putOrNull(row, chosen, value);
            if (t.exitCode().isPresent()) {
                row.put("exit_code", t.exitCode().getAsInt());
            } else {
                row.putNull("exit_code");
            }
            row.put("run_dir", t.runDir().orElse(null)).put("detail", t.detail().orElse(null));
            csv.append(String.join(",", List.of(Integer.toString(t.index()), LeaderboardCsv.quote(t.name()), t.state().name(),
                    number(t.wallSeconds()), number(value), t.exitCode().isPresent() ? Integer.toString(t.exitCode().getAsInt()) : "",
                    LeaderboardCsv.quote(t.runDir().orElse("")), LeaderboardCsv.quote(t.detail().orElse(""))))).append('\n');
        }
        ObjectNode summary = BatteryDirectory.JSON.createObjectNode();
        summary.put("battery", dir.manifest().battery()).put("metric", chosen).put("direction", direction.name());
        ObjectNode counts = summary.putObject("counts");
        status.counts().forEach((state, n) -> counts.put(state.name(), n));
        summary.set("tasks", rows);
        Path json = dir.path().resolve(SUMMARY + ".json");
        AtomicFiles.writeString(json, BatteryDirectory.JSON.writeValueAsString(summary) + "\n");
        AtomicFiles.writeString(dir.path().resolve(SUMMARY + ".csv"), csv.toString());
        Optional<Path> board = Optional.empty();
        int ranked = 0;
        if (!finished.isEmpty()) {
            Leaderboard leaderboard = Leaderboard.rank(finished, chosen, direction, paretoAgainst);
            leaderboard.writeAll(dir.path(), "leaderboard");
            ranked = leaderboard.entries().size();
            board = Optional.of(dir.path().resolve("leaderboard.csv"));
        }
        return new Result(status, chosen, ranked, json, board);
    }

    private static String firstMetric(BatteryDirectory dir) {
        BatteryManifest m = dir.manifest();
        if (m.runs().isEmpty()) {
            throw new IllegalArgumentException(dir.path() + ": the battery has no runs");
        }
        try {
            return BatteryDirectory.JSON.readTree(dir.config(m.runs().get(0)).toFile()).path("metrics").path(0).asText();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + dir.config(m.runs().get(0)) + ": " + e.getMessage()
                    + "; give --metric", e);
        }
    }

    private static void putOrNull(ObjectNode row, String key, OptionalDouble v) {
        if (v.isPresent() && Double.isFinite(v.getAsDouble())) {
            row.put(key, v.getAsDouble());
        } else {
            row.putNull(key);
        }
    }

    private static String number(OptionalDouble v) {
        return v.isPresent() && Double.isFinite(v.getAsDouble()) ? Double.toString(v.getAsDouble()) : "";
    }
}

package lab.harness.leaderboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import lab.harness.rundir.RunStatusFile;
import lab.viz.RunSummary;

/**
 * Reads the finished runs under a results root into leaderboard rows: each run's metric is the
 * mean, over its conditions, of the across-seed means in summary.json (so a heads_zero run scores
 * the average effect of ablating one head); its wall time is status.json's wall_seconds (time spent
 * working on it, over a resume too). A STALE run (RUNNING, process gone) is not finished.
 */
public final class RunRecords {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RunRecords() {
    }

    /** Finished runs (status FINISHED, summary.json present) directly under {@code root}. */
    public static List<RunSummary> scan(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("results root " + root + " does not exist; runs are written under output.root"
                    + " (default: runs)");
        }
        List<RunSummary> runs = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.sorted().toList()) {
                read(dir).ifPresent(runs::add);
            }
        }
        return runs;
    }

    /** One run directory as a leaderboard row, if it FINISHED and has its summary.json. */
    public static Optional<RunSummary> read(Path dir) throws IOException {
        Path summary = dir.resolve("summary.json");
        Path status = dir.resolve(RunStatusFile.FILE_NAME);
        if (!Files.isRegularFile(summary) || !Files.isRegularFile(status)) {
            return Optional.empty();
        }
        JsonNode st = JSON.readTree(status.toFile());
        if (!"FINISHED".equals(st.path("status").asText())) {
            return Optional.empty();
        }
        return Optional.of(new RunSummary(dir.getFileName().toString(), meanOverConditions(JSON.readTree(summary.toFile())),
                seconds(st), params(dir.resolve("config.json"))));
    }

    static Map<String, Double> meanOverConditions(JsonNode summary) {
        Map<String, double[]> acc = new LinkedHashMap<>();
        for (JsonNode row : summary.path("rows")) {
            if (row.path("mean").isNumber()) {
                double[] a = acc.computeIfAbsent(row.path("metric").asText(), k -> new double[2]);
                a[0] += row.path("mean").asDouble();
                a[1]++;
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        acc.forEach((metric, a) -> out.put(metric, a[0] / a[1]));
        return out;
    }

    /** Time spent on the run over all its attempts (wall_seconds), else (older files) start to end. */
    private static double seconds(JsonNode status) {
        if (status.path("wall_seconds").isNumber()) {
            return status.path("wall_seconds").asDouble();
        }
        Instant start = Instant.parse(status.path("started_at").asText());
        Instant end = Instant.parse(status.path("ended_at").asText());
        return Duration.between(start, end).toMillis() / 1000.0;
    }

    private static Map<String, String> params(Path config) throws IOException {
        Map<String, String> params = new LinkedHashMap<>();
        if (Files.isRegularFile(config)) {
            JsonNode c = JSON.readTree(config.toFile());
            params.put("experiment", c.path("experiment").path("type").asText());
            params.put("model", c.path("model").path("path").asText());
            params.put("corpus", c.path("data").path("corpus").asText());
            params.put("seeds", c.path("seeds").toString());
        }
        return params;
    }
}

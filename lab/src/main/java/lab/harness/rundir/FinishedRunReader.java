package lab.harness.rundir;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import lab.experiments.FinishedRun;

/**
 * Reads what an experiment may use of a finished run directory: its {@code config.json}'s
 * {@code experiment.type} and its {@code summary.json} rows. A directory that is missing, not
 * FINISHED, or lacks those files is one error naming it and the fix.
 */
public final class FinishedRunReader {

    /** The file a finished run's per-condition means are read from. */
    public static final String SUMMARY_FILE = "summary.json";

    private FinishedRunReader() {
    }

    public static FinishedRun read(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("run directory " + dir + " does not exist; give the directory that"
                    + " `harness run` printed (runs/<name>_<time>_<hash>)");
        }
        Optional<RunStatus> status = RunStatusFile.read(dir);
        if (status.isEmpty()) {
            throw new IllegalArgumentException(dir + " has no readable " + RunStatusFile.FILE_NAME + "; it is not a run"
                    + " directory that `harness run` wrote");
        }
        if (status.get().status() != RunState.FINISHED) {
            throw new IllegalArgumentException("run " + dir + " is " + status.get().status() + ", not FINISHED; give a"
                    + " finished run (or re-run it)");
        }
        JsonNode config = readJson(dir.resolve(FinishedRuns.CONFIG_FILE));
        JsonNode summary = readJson(dir.resolve(SUMMARY_FILE));
        List<FinishedRun.ConditionMean> means = new ArrayList<>();
        for (JsonNode row : summary.path("rows")) {
            Map<String, Object> condition = RunStatusFile.MAPPER.convertValue(row.path("condition"),
                    new TypeReference<Map<String, Object>>() { });
            JsonNode mean = row.path("mean");
            means.add(new FinishedRun.ConditionMean(condition, row.path("metric").asText(),
                    mean.isNumber() ? mean.asDouble() : Double.NaN));
        }
        return new FinishedRun(dir.toString(), config.path("experiment").path("type").asText(), means);
    }

    private static JsonNode readJson(Path file) {
        try {
            return RunStatusFile.MAPPER.readTree(Files.readString(file));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("run " + file.getParent() + " has no " + file.getFileName()
                    + "; it is not a complete run directory");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}

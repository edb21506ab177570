package lab.tracking;

import lab.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A run written straight into an MLflow file store, in the layout MLflow's FileStore reads:
 * {@code <experiment>/<run_id>/meta.yaml}, {@code params/<key>} (raw value),
 * {@code metrics/<key>} (lines "timestamp value step"), {@code tags/<key>}, {@code artifacts/}.
 *
 * <p>Every file is replaced atomically (see {@link AtomicFiles}), with temp files staged in the
 * run folder, which MLflow does not read. Metric files are rewritten whole for the same reason
 * rather than appended to: a line cut short by a kill would make MLflow fail on the whole
 * experiment. {@code meta.yaml} is written last at creation, so a run folder is either complete
 * or (crash in between) has no meta.yaml, which MLflow skips silently.
 */
final class FileStoreRunTracker implements RunTracker {

    private final Clock clock;
    private final String experimentId;
    private final Path runDir;
    private final String artifactUri;
    private final Map<String, Object> meta;
    private RunStatus status = RunStatus.RUNNING;
    private boolean closed;

    private FileStoreRunTracker(Clock clock, String experimentId, Path runDir, String artifactUri,
            Map<String, Object> meta) {
        this.clock = clock;
        this.experimentId = experimentId;
        this.runDir = runDir;
        this.artifactUri = artifactUri;
        this.meta = meta;
    }

    /** Creates the run (status RUNNING) in the experiment named by {@code spec}. */
    static FileStoreRunTracker start(MlflowFileStore store, RunSpec spec, String user, Clock clock) {
        Map<String, String> tags = MlflowNames.checkTags(StartTags.of(spec, user));
        MlflowFileStore.Experiment experiment = store.experimentNamed(spec.experimentName());
        String runId = UUID.randomUUID().toString().replace("-", "");
        Path runDir = experiment.dir().resolve(runId);
        // MLflow derives a run's artifact URI from its experiment's artifact location
        String artifactUri = stripSlash(experiment.artifactLocation()) + "/" + runId + "/artifacts";
        long now = clock.millis();

        Map<String, Object> meta = new TreeMap<>();
        meta.put("artifact_uri", artifactUri);
        meta.put("deleted_time", null);
        meta.put("end_time", null);
        meta.put("entry_point_name", "");
        meta.put("experiment_id", experiment.id());
        meta.put("lifecycle_stage", "active");
        meta.put("run_id", runId);
        meta.put("run_name", tags.get(MlflowTags.RUN_NAME));
        meta.put("source_name", "");
        meta.put("source_type", 4); // SourceType.LOCAL
        meta.put("source_version", "");
        meta.put("start_time", now);
        meta.put("status", RunStatus.RUNNING.mlflowCode());
        meta.put("tags", List.of());
        meta.put("user_id", user);

        var tracker = new FileStoreRunTracker(clock, experiment.id(), runDir, artifactUri, meta);
        try {
            Files.createDirectory(runDir);
            for (String folder : List.of("metrics", "params", "tags", "artifacts")) {
                Files.createDirectory(runDir.resolve(folder));
            }
            tracker.writeTags(tags);
            MetaYaml.write(runDir, meta);
        } catch (IOException e) {
            throw new TrackingException("cannot create run folder " + runDir + ": " + e.getMessage(), e);
        }
        return tracker;
    }

    /** Reopens an existing run: RUNNING again, no end time (see {@link RunTrackers#reopen}). */
    static FileStoreRunTracker reopen(MlflowFileStore store, String runId, Clock clock) {
        Path runDir = existingRun(store, runId);
        Map<String, Object> meta = readMeta(runDir);
        meta.put("status", RunStatus.RUNNING.mlflowCode());
        meta.put("end_time", null);
        try {
            MetaYaml.write(runDir, meta);
        } catch (IOException e) {
            throw new TrackingException("cannot reopen MLflow run " + runId + " in " + runDir + ": " + e.getMessage(), e);
        }
        return new FileStoreRunTracker(clock, String.valueOf(meta.get("experiment_id")), runDir,
                String.valueOf(meta.get("artifact_uri")), meta);
    }

    /** Ends an existing run still marked RUNNING (see {@link RunTrackers#endIfRunning}). */
    static boolean endIfRunning(MlflowFileStore store, String runId, RunStatus status, Clock clock) {
        Path runDir = existingRun(store, runId);
        Map<String, Object> meta = readMeta(runDir);
        if (!String.valueOf(RunStatus.RUNNING.mlflowCode()).equals(String.valueOf(meta.get("status")))) {
            return false;
        }
        new FileStoreRunTracker(clock, String.valueOf(meta.get("experiment_id")), runDir,
                String.valueOf(meta.get("artifact_uri")), meta).finish(status);
        return true;
    }

    private static Path existingRun(MlflowFileStore store, String runId) {
        return store.runFolder(runId).orElseThrow(() -> new TrackingException("MLflow file store " + store.root()
                + " has no run " + runId + " (deleted, or the store moved)"));
    }

    private static Map<String, Object> readMeta(Path runDir) {
        try {
            return new TreeMap<>(MetaYaml.read(runDir));
        } catch (IOException | RuntimeException e) {
            throw new TrackingException("cannot read " + runDir.resolve(MetaYaml.FILE_NAME) + ": " + e.getMessage(), e);
        }
    }

    Path runDir() {
        return runDir;
    }

    @Override
    public String runId() {
        return (String) meta.get("run_id");
    }

    @Override
    public String experimentId() {
        return experimentId;
    }

    @Override
    public String artifactUri() {
        return artifactUri;
    }

    @Override
    public synchronized RunStatus status() {
        return status;
    }

    @Override
    public synchronized void logParams(Map<String, String> params) {
        ensureOpen();
        Map<String, String> checked = MlflowNames.checkParams(params);
        Map<String, String> toWrite = new TreeMap<>();
        for (Map.Entry<String, String> e : checked.entrySet()) {
            Path file = runDir.resolve("params").resolve(e.getKey());
            String old = readIfExists(file);
            if (old == null) {
                toWrite.put(e.getKey(), e.getValue());
            } else if (!old.equals(e.getValue())) {
                throw new IllegalArgumentException("MLflow param '" + e.getKey()
                        + "' was already logged as '" + old + "'; params cannot change, refusing '"
                        + e.getValue() + "' (nothing from this call was logged)");
            }
        }
        for (Map.Entry<String, String> e : toWrite.entrySet()) {
            writeFile(runDir.resolve("params").resolve(e.getKey()), e.getValue());
        }
    }

    @Override
    public void logMetric(String key, double value, long step) {
        logMetrics(List.of(new MetricPoint(key, value, step, clock.millis())));
    }

    @Override
    public synchronized void logMetrics(Collection<MetricPoint> points) {
        ensureOpen();
        Map<String, StringBuilder> linesByKey = new LinkedHashMap<>();
        for (MetricPoint p : points) {
            MlflowNames.checkKey("metric", p.key());
        }
        for (MetricPoint p : points) {
            // Double.toString gives "1.0E-5", "NaN", "Infinity": all parse as Python floats
            linesByKey.computeIfAbsent(p.key(), k -> new StringBuilder())
                    .append(p.timestampMillis()).append(' ')
                    .append(p.value()).append(' ')
                    .append(p.step()).append('\n');
        }
        for (Map.Entry<String, StringBuilder> e : linesByKey.entrySet()) {
            Path file = runDir.resolve("metrics").resolve(e.getKey());
            String old = readIfExists(file);
            writeFile(file, (old == null ? "" : old) + e.getValue());
        }
    }

    @Override
    public synchronized OptionalLong lastStep(String key) {
        MlflowNames.checkKey("metric", key);
        String lines = readIfExists(runDir.resolve("metrics").resolve(key));
        if (lines == null) {
            return OptionalLong.empty();
        }
        // lines are "timestamp value step"
        return lines.lines().map(line -> line.trim().split(" ")).filter(f -> f.length == 3).mapToLong(f -> Long.parseLong(f[2])).max();
    }

    @Override
    public synchronized void setTags(Map<String, String> tags) {
        ensureOpen();
        writeTags(MlflowNames.checkTags(tags));
    }

    @Override
    public synchronized void logArtifacts(Path dir, String artifactPath) {
        ensureOpen();
        List<LocalArtifacts.Entry> entries = LocalArtifacts.list(dir, artifactPath);
        Path root = LocalArtifacts.localPathOf(artifactUri);
        if (root == null) {
            throw new TrackingException("run " + runId() + " has artifact location " + artifactUri
                    + " (set on its experiment); only file: locations can be written by the "
                    + "file-store tracker. Log to the tracking server's http(s) URI instead.");
        }
        LocalArtifacts.copy(entries, root, runDir);
    }

    @Override
    public synchronized void finish(RunStatus finalStatus) {
        if (!finalStatus.isTerminal()) {
            throw new IllegalArgumentException("finish needs a terminal status, got " + finalStatus);
        }
        if (status.isTerminal()) {
            return;
        }
        meta.put("status", finalStatus.mlflowCode());
        meta.put("end_time", clock.millis());
        try {
            MetaYaml.write(runDir, meta);
        } catch (IOException e) {
            throw new TrackingException("cannot record status " + finalStatus + " in "
                    + runDir.resolve(MetaYaml.FILE_NAME) + ": " + e.getMessage(), e);
        }
        status = finalStatus;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            finish(RunStatus.FAILED); // no-op when already finished
        } finally {
            closed = true;
        }
    }

    private void writeTags(Map<String, String> tags) {
        for (Map.Entry<String, String> e : tags.entrySet()) {
            writeFile(runDir.resolve("tags").resolve(e.getKey()), e.getValue());
        }
    }

    private void writeFile(Path file, String content) {
        try {
            AtomicFiles.writeBytes(file, content.getBytes(StandardCharsets.UTF_8), runDir);
        } catch (IOException e) {
            throw new TrackingException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static String readIfExists(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            throw new TrackingException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("run " + runId() + " tracker is closed");
        }
    }

    private static String stripSlash(String uri) {
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }
}

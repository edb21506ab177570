package lab.harness.run;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import lab.harness.config.RunConfig;
import lab.harness.profile.Profiler;
import lab.harness.provenance.Provenance;
import lab.harness.results.ResultRow;
import lab.harness.results.ResultsRecorder;
import lab.harness.results.ResultsTable;
import lab.harness.results.Summary;
import lab.harness.rundir.RunLiveness;
import lab.harness.rundir.RunState;
import lab.harness.rundir.RunStatusFile;
import lab.runtime.DeviceChoice;
import lab.tracking.MetricPoint;
import lab.tracking.RunSpec;
import lab.tracking.RunStatus;
import lab.tracking.RunTracker;
import lab.tracking.RunTrackers;
import lab.tracking.TrackingException;

/**
 * Everything that watches a run rather than computes it: status file and its heartbeat, profiler,
 * provenance, MLflow tracker, and the Ctrl+C hook that flushes finished results and marks the run KILLED
 * (in status.json and in MLflow) before the JVM exits with 130.
 */
final class RunSession implements AutoCloseable {

    private final Path dir;
    private final RunStatusFile status;
    private final RunLog log;
    private final Profiler profiler;
    private final RunTracker tracker;
    private final Thread interruptHook;
    private final ScheduledExecutorService heartbeat;
    private volatile ResultsRecorder recorder;

    private RunSession(Path dir, RunStatusFile status, RunLog log, Profiler profiler, RunTracker tracker) {
        this.dir = dir;
        this.status = status;
        this.log = log;
        this.profiler = profiler;
        this.tracker = tracker;
        this.interruptHook = new Thread(this::onInterrupt, "run-interrupted");
        Runtime.getRuntime().addShutdownHook(interruptHook);
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "run-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long every = RunLiveness.HEARTBEAT_INTERVAL.toMillis();
        heartbeat.scheduleAtFixedRate(this::beat, every, every, TimeUnit.MILLISECONDS);
    }

    /** Tells readers the run is alive (see {@link RunLiveness}); a failed write waits for the next beat. */
    private void beat() {
        try {
            status.heartbeat();
        } catch (IOException | RuntimeException e) {
            log.info("could not refresh the heartbeat in status.json: %s", e.getMessage());
        }
    }

    /** After results.parquet holds the first {@code seedsDone} seeds as its first {@code rows} rows. */
    void checkpoint(int seedsDone, int seedsTotal, int rows) {
        try {
            status.checkpoint(seedsDone, seedsTotal, rows);
        } catch (IOException e) {
            log.info("could not record the checkpoint in status.json: %s", e.getMessage());
        }
    }

    /** A new run: writes provenance.json and starts its MLflow run (recorded in status.json). */
    static RunSession open(Path dir, RunConfig config, RunStatusFile status, RunLog log, Clock clock) throws IOException {
        ai.djl.Device device = DeviceChoice.resolve(config.model().device());
        Profiler profiler = Profiler.start(Duration.ofMillis(500), device);
        Provenance provenance = Provenance.collect(config, dir, device.toString(), clock);
        provenance.writeTo(dir);
        RunTracker tracker = null;
        if (config.output().mlflow().trackingTarget().isPresent()) {
            tracker = startTracker(dir, config, provenance);
            status.trackedAs(tracker.runId());
        }
        return new RunSession(dir, status, log, profiler, tracker);
    }

    /**
     * A resumed run: its provenance.json stays (the resume is appended to it by the caller) and
     * its MLflow run is reopened, RUNNING again; a new MLflow run only when the old one cannot be
     * found (tracking was added, or the run was deleted).
     */
    static RunSession resume(Path dir, RunConfig config, RunStatusFile status, RunLog log, Clock clock, int keptRows)
            throws IOException {
        ai.djl.Device device = DeviceChoice.resolve(config.model().device());
        Profiler profiler = Profiler.start(Duration.ofMillis(500), device);
        RunTracker tracker = null;
        Optional<String> target = config.output().mlflow().trackingTarget();
        String runId = status.current().mlflowRunId();
        if (target.isPresent() && runId != null) {
            try {
                tracker = RunTrackers.reopen(target.get(), runId);
            } catch (TrackingException e) {
                log.info("MLflow run %s cannot be reopened (%s); starting a new one", runId, e.getMessage());
            }
        }
        if (target.isPresent() && tracker == null) {
            tracker = startTracker(dir, config, Provenance.collect(config, dir, device.toString(), clock));
            status.trackedAs(tracker.runId());
        }
        if (tracker != null) {
            tracker.setTags(Map.of("lab.resumed_from_rows", Integer.toString(keptRows)));
        }
        return new RunSession(dir, status, log, profiler, tracker);
    }

    private static RunTracker startTracker(Path dir, RunConfig config, Provenance provenance) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("lab.config_sha256", config.hash());
        tags.put("lab.corpus_sha256", provenance.corpus().sha256());
        if (provenance.split() != null) {
            tags.put("lab.split_sha256", provenance.split().sha256());
        }
        provenance.modelFiles().forEach(f -> tags.put("lab.model_file." + f.path().replaceAll("[^\\w.\\-/ :]", "_"), f.sha256()));
        tags.put("lab.experiment_type", config.experiment().type());
        tags.put("lab.run_dir", dir.toString());
        tags.put("lab.rerun", provenance.rerun());
        if (provenance.git().dirty() != null) {
            tags.put("lab.git_dirty", provenance.git().dirty().toString());
        }
        RunSpec spec = RunSpec.of(config.name(), dir.getFileName().toString()).withTags(tags);
        if (provenance.git().commit() != null) {
            spec = spec.withGitCommit(provenance.git().commit());
        }
        RunTracker tracker = RunTrackers.start(config.output().mlflow().trackingTarget().get(), spec);
        tracker.logParams(lab.tracking.ConfigParams.flatten(config.tree()));
        return tracker;
    }

    Profiler.Phase phase(String name) {
        return profiler.phase(name);
    }

    /** A rate the run measured of itself, kept in profile.json beside the samples. */
    void profileFigure(String name, double value) {
        profiler.figure(name, value);
    }

    /** Results this recorder holds are flushed to disk if the run is interrupted. */
    void keepOnInterrupt(ResultsRecorder resultsRecorder) {
        this.recorder = resultsRecorder;
    }

    /** The summary to MLflow: per condition means and CIs, and per-seed means as step series (step = seed). */
    void logSummary(Summary summary, ResultsTable table) {
        if (tracker == null) {
            return;
        }
        long now = System.currentTimeMillis();
        List<MetricPoint> points = new ArrayList<>(TrackingRecords.metrics(summary, now));
        Map<String, Map<Integer, double[]>> perSeed = new LinkedHashMap<>();
        for (ResultRow row : table.rows()) {
            for (String metric : summary.metrics()) {
                double v = row.getDouble(metric);
                if (!Double.isNaN(v)) {
                    double[] acc = perSeed.computeIfAbsent(metric, k -> new java.util.TreeMap<>()).computeIfAbsent(row.seed(), k -> new double[2]);
                    acc[0] += v;
                    acc[1]++;
                }
            }
        }
        perSeed.forEach((metric, bySeed) -> bySeed.forEach((seed, acc) ->
                points.add(new MetricPoint(metric + "/seed_mean", acc[0] / acc[1], seed, now))));
        tracker.logMetrics(points);
    }

    /** Metrics as they are (e.g. a training run's step series); nothing when MLflow is off. */
    void logMetrics(List<MetricPoint> points) {
        if (tracker != null && !points.isEmpty()) {
            tracker.logMetrics(points);
        }
    }

    /** The largest step of {@code key} the run's MLflow run holds; empty without tracking or without the key. */
    OptionalLong lastLoggedStep(String key) {
        return tracker == null ? OptionalLong.empty() : tracker.lastStep(key);
    }

    /** Run-level metrics (e.g. {@code calibration/ece_before}), each logged once at step 0. */
    void logMetrics(Map<String, Double> metrics) {
        long now = System.currentTimeMillis();
        logMetrics(metrics.entrySet().stream().map(e -> new MetricPoint(e.getKey(), e.getValue(), 0, now)).toList());
    }

    /** A run's work, which may fail with an I/O error. */
    @FunctionalInterface
    interface Work {
        void run() throws IOException;
    }

    /**
     * Runs {@code work} and ends the run FINISHED; when the work fails, ends it FAILED with the error
     * and rethrows it.
     */
    void complete(Path dir, Work work) throws IOException {
        try {
            work.run();
        } catch (RuntimeException | IOException e) {
            log.info("failed: %s", e.getMessage());
            finish(RunState.FAILED, e);
            throw e;
        }
        finish(RunState.FINISHED, null);
        log.info("finished: %s", dir);
    }

    /** Ends the run: status file first (the record a battery trusts), then profile, then MLflow with the files. */
    void finish(RunState state, Throwable error) {
        heartbeat.shutdownNow();
        try {
            if (state == RunState.FINISHED) {
                status.finished();
            } else {
                status.failed(error);
            }
        } catch (IOException e) {
            log.info("could not write status.json: %s", e.getMessage());
        }
        profiler.stopAndWriteQuietly(dir);
        if (tracker != null) {
            try {
                tracker.logArtifacts(dir);
            } catch (RuntimeException e) {
                log.info("could not log artifacts to MLflow: %s", e.getMessage());
            }
            tracker.finish(state == RunState.FINISHED ? RunStatus.FINISHED : RunStatus.FAILED);
        }
    }

    /** Runs on Ctrl+C (SIGINT) while the run is still going: keep what finished, mark it KILLED. */
    private void onInterrupt() {
        heartbeat.shutdownNow();
        ResultsRecorder r = recorder;
        if (r != null) {
            r.flushUnchecked();
        }
        try {
            status.killed();
        } catch (IOException e) {
            System.err.println("could not mark " + dir + " KILLED: " + e.getMessage());
        }
        profiler.stopAndWriteQuietly(dir);
        if (tracker != null) {
            tracker.finish(RunStatus.KILLED);
        }
        log.info("interrupted: results so far flushed to %s, run marked KILLED", dir);
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(interruptHook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already exiting: the hook is running or has run
        }
        heartbeat.shutdownNow();
        profiler.stop();
        if (tracker != null) {
            tracker.close();
        }
    }
}

package lab.tracking;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Optional;

import org.mlflow.api.proto.Service;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowClientException;
import org.mlflow.tracking.MlflowHttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run on an MLflow tracking server, over its REST API via MLflow's Java client
 * ({@code experiments/get-by-name}, {@code experiments/create}, {@code runs/create},
 * {@code runs/log-batch}, {@code runs/update}).
 *
 * <p>Artifacts go where the server's {@code runs/create} answer says ({@code artifact_uri}):
 * <ul>
 *   <li>{@code mlflow-artifacts:} (server proxies artifacts, MLflow's default): uploaded over HTTP
 *       by {@link ProxiedArtifactUploader};
 *   <li>{@code file:} (server run with {@code --no-serve-artifacts} and a local artifact root):
 *       copied into that folder on this machine, as MLflow's Python client does; the server sees
 *       them only if it shares this file system (same host, or the same mount);
 *   <li>anything else (s3:, gs:, wasbs:, dbfs:, ...): {@link #logArtifacts} throws
 *       {@link TrackingException}; nothing is uploaded (that needs MLflow's Python artifact
 *       clients, which MLflow's Java client shells out to).
 * </ul>
 */
final class RestRunTracker implements RunTracker {

    private static final Logger log = LoggerFactory.getLogger(RestRunTracker.class);

    private final MlflowClient client;
    private final URI trackingUri;
    private final ProxiedArtifactUploader uploader;
    private final Clock clock;
    private final String runId;
    private final String experimentId;
    private final String artifactUri;
    /** Params this tracker logged: MLflow params never change, so a conflict is caught here. */
    private final Map<String, String> loggedParams = new HashMap<>();
    private RunStatus status = RunStatus.RUNNING;
    private boolean closed;

    private RestRunTracker(MlflowClient client, URI trackingUri, ProxiedArtifactUploader uploader,
            Clock clock, Service.RunInfo run) {
        this.client = client;
        this.trackingUri = trackingUri;
        this.uploader = uploader;
        this.clock = clock;
        this.runId = run.getRunId();
        this.experimentId = run.getExperimentId();
        this.artifactUri = run.getArtifactUri();
    }

    /**
     * Creates the run (status RUNNING) in the experiment named by {@code spec}, creating the
     * experiment when the server has none of that name. The client is closed if this fails.
     */
    static RestRunTracker start(MlflowClient client, URI trackingUri,
            ProxiedArtifactUploader uploader, RunSpec spec, String user, Clock clock) {
        try {
            Map<String, String> tags = MlflowNames.checkTags(StartTags.of(spec, user));
            String experimentId = experimentId(client, spec.experimentName());
            Service.CreateRun.Builder request = Service.CreateRun.newBuilder()
                    .setExperimentId(experimentId)
                    .setRunName(tags.get(MlflowTags.RUN_NAME))
                    .setUserId(user)
                    .setStartTime(clock.millis());
            Service.RunInfo run = call("create run in experiment " + experimentId,
                    () -> client.createRun(request.build()));
            var tracker = new RestRunTracker(client, trackingUri, uploader, clock, run);
            tracker.sendTags(tags);
            return tracker;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /**
     * Reopens an existing run: {@code runs/update} to RUNNING (see {@link RunTrackers#reopen}).
     * The client is closed if this fails.
     */
    static RestRunTracker reopen(MlflowClient client, URI trackingUri, ProxiedArtifactUploader uploader, String runId,
            Clock clock) {
        try {
            Service.RunInfo run = call("get run " + runId, () -> client.getRun(runId).getInfo());
            call("set run " + runId + " RUNNING", () -> client.sendPost("runs/update",
                    "{\"run_id\": \"" + runId + "\", \"run_uuid\": \"" + runId + "\", \"status\": \"RUNNING\"}"));
            return new RestRunTracker(client, trackingUri, uploader, clock, run);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** Ends an existing run the server still shows RUNNING (see {@link RunTrackers#endIfRunning}); closes the client. */
    static boolean endIfRunning(MlflowClient client, String runId, RunStatus status, Clock clock) {
        try {
            Service.RunInfo run = call("get run " + runId, () -> client.getRun(runId).getInfo());
            if (run.getStatus() != Service.RunStatus.RUNNING) {
                return false;
            }
            call("set status " + status, () -> {
                client.setTerminated(runId, Service.RunStatus.valueOf(status.name()), clock.millis());
                return null;
            });
            return true;
        } finally {
            client.close();
        }
    }

    /**
     * The id of the active experiment called {@code name}, created when the server has none.
     * Looked up with {@code experiments/search} rather than {@code experiments/get-by-name}: the
     * Java client retries every 4xx answer three times and logs each retry as a "Rate limit"
     * warning, so the 404 that get-by-name gives for a new experiment would be noise.
     */
    private static String experimentId(MlflowClient client, String name) {
        MlflowNames.checkExperimentName(name);
        Optional<Service.Experiment> found = findExperiment(client, name);
        if (found.isEmpty()) {
            try {
                return client.createExperiment(name);
            } catch (MlflowHttpException e) {
                // another process created it between our lookup and create
                if (!String.valueOf(e.getBodyMessage()).contains("RESOURCE_ALREADY_EXISTS")) {
                    throw failure("create experiment '" + name + "'", e);
                }
                found = findExperiment(client, name);
            } catch (MlflowClientException e) {
                throw failure("create experiment '" + name + "'", e);
            }
        }
        Service.Experiment experiment = found.orElseThrow(() -> new TrackingException(
                "MLflow server: experiment '" + name + "' exists but cannot be found"));
        if (!"active".equals(experiment.getLifecycleStage())) {
            throw new TrackingException("MLflow experiment '" + name + "' (id "
                    + experiment.getExperimentId() + ") is deleted on the server; restore it or "
                    + "delete it for good before logging to that name again.");
        }
        return experiment.getExperimentId();
    }

    /** The experiment of that exact name, active or deleted (active preferred). */
    private static Optional<Service.Experiment> findExperiment(MlflowClient client, String name) {
        String literal = filterLiteral(name);
        if (literal == null) {
            // a name no filter literal can hold: get-by-name (noisy on 404, see above)
            return call("look up experiment '" + name + "'", () -> client.getExperimentByName(name));
        }
        List<Service.Experiment> matches = call("look up experiment '" + name + "'",
                () -> client.searchExperiments("name = " + literal, Service.ViewType.ALL, 100,
                        new ArrayList<>(), null).getItems());
        return matches.stream()
                .filter(e -> e.getName().equals(name))
                .min((a, b) -> Boolean.compare(!"active".equals(a.getLifecycleStage()),
                        !"active".equals(b.getLifecycleStage())));
    }

    /**
     * {@code name} as a string literal of MLflow's search filter grammar (parsed with sqlparse,
     * which has no reliable escape for quotes or backslashes), or null if it cannot be one.
     */
    static String filterLiteral(String name) {
        if (name.contains("\\")) {
            return null;
        }
        if (!name.contains("'")) {
            return "'" + name + "'";
        }
        return name.contains("\"") ? null : "\"" + name + "\"";
    }

    @Override
    public String runId() {
        return runId;
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
        // Checked here first: MLflow 3's file-store server reports a changed param from
        // log-batch as HTTP 500 INTERNAL_ERROR, which the Java client retries three times.
        List<Service.Param> all = new ArrayList<>();
        for (Map.Entry<String, String> e : checked.entrySet()) {
            String old = loggedParams.get(e.getKey());
            if (old == null) {
                all.add(Service.Param.newBuilder().setKey(e.getKey()).setValue(e.getValue()).build());
            } else if (!old.equals(e.getValue())) {
                throw new IllegalArgumentException("MLflow param '" + e.getKey()
                        + "' was already logged as '" + old + "'; params cannot change, refusing '"
                        + e.getValue() + "' (nothing from this call was logged)");
            }
        }
        for (List<Service.Param> chunk : LogBatchChunks.split(all, LogBatchChunks.MAX_PARAMS_OR_TAGS,
                LogBatchChunks.MAX_JSON_CHARS, p -> LogBatchChunks.entryJsonChars(p.getKey(), p.getValue()))) {
            try {
                client.logBatch(runId, null, chunk, null);
            } catch (MlflowHttpException e) {
                // logged before by someone else: the server's words, as the caller's error
                if (e.getStatusCode() == 400 || String.valueOf(e.getBodyMessage())
                        .contains("Changing param values is not allowed")) {
                    throw new IllegalArgumentException("MLflow server refused params "
                            + chunk.stream().map(Service.Param::getKey).toList() + ": "
                            + e.getBodyMessage(), e);
                }
                throw failure("log " + chunk.size() + " params", e);
            } catch (MlflowClientException e) {
                throw failure("log " + chunk.size() + " params", e);
            }
            chunk.forEach(p -> loggedParams.put(p.getKey(), p.getValue()));
        }
    }

    @Override
    public void logMetric(String key, double value, long step) {
        logMetrics(List.of(new MetricPoint(key, value, step, clock.millis())));
    }

    @Override
    public synchronized void logMetrics(Collection<MetricPoint> points) {
        ensureOpen();
        List<Service.Metric> all = new ArrayList<>();
        for (MetricPoint p : points) {
            MlflowNames.checkKey("metric", p.key());
            all.add(Service.Metric.newBuilder().setKey(p.key()).setValue(p.value())
                    .setStep(p.step()).setTimestamp(p.timestampMillis()).build());
        }
        for (List<Service.Metric> chunk : LogBatchChunks.split(all, LogBatchChunks.MAX_METRICS,
                LogBatchChunks.MAX_JSON_CHARS, m -> LogBatchChunks.entryJsonChars(m.getKey(), "") + 80)) {
            call("log " + chunk.size() + " metric values", () -> {
                client.logBatch(runId, chunk, null, null);
                return null;
            });
        }
    }

    @Override
    public synchronized OptionalLong lastStep(String key) {
        MlflowNames.checkKey("metric", key);
        List<Service.Metric> history = call("read the history of " + key, () -> client.getMetricHistory(runId, key));
        return history.stream().mapToLong(Service.Metric::getStep).max();
    }

    @Override
    public synchronized void setTags(Map<String, String> tags) {
        ensureOpen();
        sendTags(MlflowNames.checkTags(tags));
    }

    private void sendTags(Map<String, String> checkedTags) {
        List<Service.RunTag> all = new ArrayList<>();
        checkedTags.forEach((k, v) -> all.add(Service.RunTag.newBuilder().setKey(k).setValue(v).build()));
        for (List<Service.RunTag> chunk : LogBatchChunks.split(all, LogBatchChunks.MAX_PARAMS_OR_TAGS,
                LogBatchChunks.MAX_JSON_CHARS, t -> LogBatchChunks.entryJsonChars(t.getKey(), t.getValue()))) {
            call("set " + chunk.size() + " tags", () -> {
                client.logBatch(runId, null, null, chunk);
                return null;
            });
        }
    }

    @Override
    public synchronized void logArtifacts(Path dir, String artifactPath) {
        ensureOpen();
        List<LocalArtifacts.Entry> entries = LocalArtifacts.list(dir, artifactPath);
        if (ProxiedArtifactUploader.handles(artifactUri)) {
            uploader.upload(trackingUri, artifactUri, entries);
            return;
        }
        Path root = LocalArtifacts.localPathOf(artifactUri);
        if (root == null) {
            throw new TrackingException("run " + runId + " stores artifacts at " + artifactUri
                    + ", which lab.tracking cannot write (it uploads to mlflow-artifacts: through the "
                    + "server's artifact proxy, or copies to file: locations); nothing was uploaded. "
                    + "Start the server with --serve-artifacts to proxy artifacts.");
        }
        if (!isLoopback(trackingUri.getHost())) {
            log.warn("run {}: artifact location {} is a local path; copying there on this machine, "
                    + "which the server at {} sees only if it shares this file system",
                    runId, artifactUri, trackingUri);
        }
        // stage temp files next to artifacts/, not inside it, so a crash leaves no stray artifact
        Path staging = root.getFileName() != null && root.getParent() != null
                && root.getFileName().toString().equals("artifacts") ? root.getParent() : root;
        LocalArtifacts.copy(entries, root, staging);
    }

    @Override
    public synchronized void finish(RunStatus finalStatus) {
        if (!finalStatus.isTerminal()) {
            throw new IllegalArgumentException("finish needs a terminal status, got " + finalStatus);
        }
        if (status.isTerminal()) {
            return;
        }
        ensureOpen();
        call("set status " + finalStatus, () -> {
            client.setTerminated(runId, Service.RunStatus.valueOf(finalStatus.name()), clock.millis());
            return null;
        });
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
            client.close();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("run " + runId + " tracker is closed");
        }
    }

    private static boolean isLoopback(String host) {
        try {
            return host != null && InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private interface Call<T> {
        T run();
    }

    /** Runs one client call, turning the client's exceptions into {@link TrackingException}. */
    private static <T> T call(String what, Call<T> call) {
        try {
            return call.run();
        } catch (MlflowClientException e) {
            throw failure(what, e);
        }
    }

    private static TrackingException failure(String what, MlflowClientException e) {
        String detail = e instanceof MlflowHttpException http
                ? "HTTP " + http.getStatusCode() + " " + http.getBodyMessage()
                : String.valueOf(e.getMessage());
        return new TrackingException("MLflow server: cannot " + what + ": " + detail, e);
    }
}

package lab.tracking;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;

/**
 * Starts runs on the backend named by the {@code output.mlflow} setting:
 * <ul>
 *   <li>{@code http://host:port[/prefix]} or {@code https://...}: an MLflow tracking server, over
 *       REST (credentials from {@code MLFLOW_TRACKING_USERNAME}/{@code _PASSWORD} or
 *       {@code MLFLOW_TRACKING_TOKEN}, as for MLflow's Python client);
 *   <li>a file system path ({@code ./mlruns}, {@code /abs/mlruns}) or {@code file:///abs/mlruns}:
 *       an MLflow file store, written directly (created if missing).
 * </ul>
 * Other schemes ({@code databricks}, {@code sqlite:}, {@code postgresql:}, ...) are refused.
 */
public final class RunTrackers {

    private RunTrackers() {
    }

    /** Starts a run (status RUNNING) for {@code spec} on the backend {@code target} names. */
    public static RunTracker start(String target, RunSpec spec) {
        return start(target, spec, Clock.systemUTC(), System.getenv());
    }

    static RunTracker start(String target, RunSpec spec, Clock clock, Map<String, String> env) {
        String user = currentUser();
        Object backend = parse(target);
        if (backend instanceof URI server) {
            HttpCredentials credentials = HttpCredentials.fromEnvironment(env);
            return RestRunTracker.start(client(server, credentials), server, new ProxiedArtifactUploader(http(), credentials),
                    spec, user, clock);
        }
        return FileStoreRunTracker.start(new MlflowFileStore((Path) backend, clock), spec, user, clock);
    }

    /**
     * Continues a run that ended (or whose process died): its status is RUNNING again, with no
     * end time, and the tracker logs into it as into a new one.
     *
     * @throws TrackingException when the backend has no run of that id
     */
    public static RunTracker reopen(String target, String runId) {
        return reopen(target, runId, Clock.systemUTC(), System.getenv());
    }

    static RunTracker reopen(String target, String runId, Clock clock, Map<String, String> env) {
        Object backend = parse(target);
        if (backend instanceof URI server) {
            HttpCredentials credentials = HttpCredentials.fromEnvironment(env);
            return RestRunTracker.reopen(client(server, credentials), server, new ProxiedArtifactUploader(http(), credentials),
                    runId, clock);
        }
        return FileStoreRunTracker.reopen(new MlflowFileStore((Path) backend, clock), runId, clock);
    }

    /**
     * Ends a run that the backend still shows RUNNING (its process died) with {@code status} and
     * the current time; a run that already ended is left as it is.
     *
     * @return whether the run was RUNNING and is now ended
     * @throws TrackingException when the backend has no run of that id
     */
    public static boolean endIfRunning(String target, String runId, RunStatus status) {
        return endIfRunning(target, runId, status, Clock.systemUTC(), System.getenv());
    }

    static boolean endIfRunning(String target, String runId, RunStatus status, Clock clock, Map<String, String> env) {
        Object backend = parse(target);
        if (backend instanceof URI server) {
            return RestRunTracker.endIfRunning(client(server, HttpCredentials.fromEnvironment(env)), runId, status, clock);
        }
        return FileStoreRunTracker.endIfRunning(new MlflowFileStore((Path) backend, clock), runId, status, clock);
    }

    private static MlflowClient client(URI server, HttpCredentials credentials) {
        return new MlflowClient(hostCreds(server, credentials));
    }

    private static HttpClient http() {
        return HttpClient.newBuilder()
                // HTTP/1.1: the default HTTP/2 sends "Upgrade: h2c" on http:// requests, which
                // MLflow 3's uvicorn server refuses (400 "Unsupported upgrade request.")
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(30))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /**
     * The tracking server's URI (no trailing slash) for http(s) targets, else the file store's
     * root path.
     *
     * @throws IllegalArgumentException for a blank target or an unsupported scheme
     */
    static Object parse(String target) {
        if (target == null || target.isBlank()) {
            throw new IllegalArgumentException("output.mlflow is empty: give a directory for an "
                    + "MLflow file store or an http(s):// tracking server URI");
        }
        String t = target.strip();
        String lower = t.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            URI uri = URI.create(t.replaceAll("/+$", ""));
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("output.mlflow '" + target + "' has no host");
            }
            return uri;
        }
        if (lower.startsWith("file:")) {
            return LocalArtifacts.localPathOf(t);
        }
        // a scheme of two or more letters; one letter is a Windows drive (C:\mlruns)
        if (t.matches("^[A-Za-z][A-Za-z0-9+.-]+:.*")) {
            throw new IllegalArgumentException("output.mlflow '" + target + "': unsupported tracking "
                    + "URI scheme; use a directory (MLflow file store) or an http(s):// server URI");
        }
        return Path.of(t);
    }

    private static BasicMlflowHostCreds hostCreds(URI server, HttpCredentials credentials) {
        String host = server.toString();
        if (credentials.username() != null && credentials.password() != null) {
            return new BasicMlflowHostCreds(host, credentials.username(), credentials.password());
        }
        if (credentials.token() != null) {
            return new BasicMlflowHostCreds(host, credentials.token());
        }
        return new BasicMlflowHostCreds(host);
    }

    private static String currentUser() {
        String user = System.getProperty("user.name");
        return user == null || user.isBlank() ? "unknown" : user;
    }
}

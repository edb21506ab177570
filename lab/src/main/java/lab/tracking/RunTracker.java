package lab.tracking;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One MLflow run, started by {@link RunTrackers#start}: its status is RUNNING from the start
 * until {@link #finish} records FINISHED, FAILED or KILLED with an end time.
 *
 * <p>Input rules, the same for every backend: keys must be valid MLflow keys (letters, digits,
 * {@code _ - . : /} and space, at most 250 characters, no empty, "." or ".." path parts) or the
 * call throws {@link IllegalArgumentException} naming the key, before anything is logged; see
 * {@link MlflowNames#sanitizeKey} to make one valid. Param values over 6000 and tag values over
 * 8000 characters are truncated with a {@code ...[truncated: N chars]} marker. A param, once
 * logged, cannot change: logging another value for it throws {@link IllegalArgumentException}
 * (the same value again is fine). Backend failures throw {@link TrackingException}.
 *
 * <p>Implementations are thread-safe, so a shutdown hook may call {@code finish(KILLED)} while the
 * main thread is logging; the first {@code finish} wins and later ones are ignored, so a hook
 * firing after a normal {@code finish(FINISHED)} changes nothing.
 */
public interface RunTracker extends AutoCloseable {

    /** The run's id: 32 lowercase hex characters. */
    String runId();

    /** Id of the experiment the run belongs to. */
    String experimentId();

    /** Where the run's artifacts live, as MLflow records it (file:, mlflow-artifacts:, ...). */
    String artifactUri();

    /** RUNNING until {@link #finish} is called. */
    RunStatus status();

    /** Logs params (flattened config); all are checked before any is written. */
    void logParams(Map<String, String> params);

    /** Logs one value of a metric at {@code step}, stamped with the current time. */
    void logMetric(String key, double value, long step);

    /** Logs a summary metric (step 0). */
    default void logMetric(String key, double value) {
        logMetric(key, value, 0);
    }

    /** Logs many metric values (a step series, several summaries) in as few writes as possible. */
    void logMetrics(Collection<MetricPoint> points);

    /**
     * The largest step logged for {@code key} in this run, empty when none is: what a resumed job
     * reads so that it does not log the same points twice.
     */
    OptionalLong lastStep(String key);

    /** Sets tags; a tag set again takes the new value. */
    void setTags(Map<String, String> tags);

    /** Logs every file under {@code dir}, keeping its sub-folders, at the artifact root. */
    default void logArtifacts(Path dir) {
        logArtifacts(dir, null);
    }

    /**
     * Logs every file under {@code dir} below {@code artifactPath} (a relative '/'-separated
     * path, or null for the root). An artifact of the same path is replaced.
     */
    void logArtifacts(Path dir, String artifactPath);

    /**
     * Ends the run with a terminal status (FINISHED, FAILED or KILLED) and the current time as
     * end time. Only the first call counts.
     *
     * @throws IllegalArgumentException for {@link RunStatus#RUNNING}
     */
    void finish(RunStatus status);

    /**
     * Releases the tracker; if the run was never finished it is finished as FAILED (an exception
     * escaped a try-with-resources block). Calls after close throw {@link IllegalStateException}.
     */
    @Override
    void close();
}

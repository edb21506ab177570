package lab.harness.rundir;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.OptionalDouble;

/**
 * The content of {@code status.json} (times are ISO-8601 UTC):
 * <pre>{@code
 * {"status": "RUNNING|FINISHED|FAILED|KILLED",
 *  "config_hash": "<SHA-256 of the resolved config, as in provenance.json>",
 *  "name": "h1_heads_zero",
 *  "started_at": "2025-01-31T12:00:00Z", "updated_at": "...", "ended_at": "..." (absent while RUNNING),
 *  "error": "one line" (FAILED: the error; KILLED by --mark-stale: why it was found dead),
 *  "pid": 12345, "host": "my-machine", "process_started_at": "..." (the process now or last working on it),
 *  "heartbeat_at": "...", "seeds_done": 2, "seeds_total": 3, "rows_flushed": 1728,
 *  "wall_seconds": 81.2, "mlflow_run_id": "<32 hex>" (when tracked)}
 * }</pre>
 * {@code seeds_done} and {@code rows_flushed} are the checkpoint a resume starts from: the first
 * {@code rows_flushed} rows of {@code results.parquet} are the rows of the first {@code seeds_done}
 * seeds (a Ctrl+C may have flushed more rows, of the seed in progress). {@code wall_seconds} counts
 * the time spent working on the run over all its attempts, not the time between a kill and its resume.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunStatus(
        @JsonProperty("status") RunState status,
        @JsonProperty("config_hash") String configHash,
        @JsonProperty("name") String name,
        @JsonProperty("started_at") String startedAt,
        @JsonProperty("updated_at") String updatedAt,
        @JsonProperty("ended_at") String endedAt,
        @JsonProperty("error") String error,
        @JsonProperty("pid") long pid,
        @JsonProperty("host") String host,
        @JsonProperty("process_started_at") String processStartedAt,
        @JsonProperty("heartbeat_at") String heartbeatAt,
        @JsonProperty("seeds_done") Integer seedsDone,
        @JsonProperty("seeds_total") Integer seedsTotal,
        @JsonProperty("rows_flushed") Integer rowsFlushed,
        @JsonProperty("wall_seconds") Double wallSeconds,
        @JsonProperty("mlflow_run_id") String mlflowRunId) {

    RunStatus ended(RunState state, String message, String now, double wall) {
        return new RunStatus(state, configHash, name, startedAt, now, now, message, pid, host, processStartedAt,
                heartbeatAt, seedsDone, seedsTotal, rowsFlushed, wall, mlflowRunId);
    }

    /** KILLED, ended at its last sign of life: what a run whose process died without a word is marked. */
    RunStatus foundDead(String reason, String now, double wall) {
        return new RunStatus(RunState.KILLED, configHash, name, startedAt, now, lastSeenAt(), reason, pid, host,
                processStartedAt, heartbeatAt, seedsDone, seedsTotal, rowsFlushed, wall, mlflowRunId);
    }

    RunStatus beating(String now, double wall) {
        return new RunStatus(status, configHash, name, startedAt, now, endedAt, error, pid, host, processStartedAt,
                now, seedsDone, seedsTotal, rowsFlushed, wall, mlflowRunId);
    }

    RunStatus withProgress(int done, int total, int rows) {
        return new RunStatus(status, configHash, name, startedAt, updatedAt, endedAt, error, pid, host, processStartedAt,
                heartbeatAt, done, total, rows, wallSeconds, mlflowRunId);
    }

    RunStatus withMlflowRunId(String runId) {
        return new RunStatus(status, configHash, name, startedAt, updatedAt, endedAt, error, pid, host, processStartedAt,
                heartbeatAt, seedsDone, seedsTotal, rowsFlushed, wallSeconds, runId);
    }

    /** RUNNING again in this process, keeping the run's identity, start, checkpoint and time spent so far. */
    RunStatus resumedBy(long newPid, String newHost, String newProcessStart, String now) {
        return new RunStatus(RunState.RUNNING, configHash, name, startedAt, now, null, null, newPid, newHost,
                newProcessStart, now, seedsDone, seedsTotal, rowsFlushed, wallSeconds, mlflowRunId);
    }

    /** Time spent working on the run across all its attempts, when recorded. */
    public OptionalDouble workSeconds() {
        return wallSeconds == null ? OptionalDouble.empty() : OptionalDouble.of(wallSeconds);
    }

    /** The last sign of life: the heartbeat, else (files from before heartbeats) the last update. */
    public String lastSeenAt() {
        return heartbeatAt != null ? heartbeatAt : updatedAt;
    }
}

package lab.harness.rundir;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalDouble;

/**
 * The content of {@code status.json} (times are ISO-8601 UTC):
 * <pre>{@code
 * {"status": "RUNNING|FINISHED|FAILED|KILLED",
 *  "config_hash": "<SHA-256 of the resolved config, as in provenance.json>",
 *  "name": "h1_heads_zero",
 *  "started_at": "2025-01-31T12:00:00Z", "updated_at": "...", "ended_at": "..." (absent while RUNNING),
 *  "error": "one line" (FAILED only; absent otherwise),
 *  "pid": 12345, "host": "my-machine"}
 * }</pre>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunStatus(
        @JsonProperty("status") RunState status,
        @JsonProperty("config_hash") String configHash,
        @JsonProperty("name") String name,
        @JsonProperty("started_at") String startedAt,
        @JsonProperty("updated_at") String updatedAt,
        @JsonProperty("ended_at") String endedAt,
        @JsonProperty("error") String error,
        @JsonProperty("pid") long pid,
        @JsonProperty("host") String host) {

    /** Start to end in seconds, once the run ended. */
    public OptionalDouble wallSeconds() {
        if (startedAt == null || endedAt == null) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(Duration.between(Instant.parse(startedAt),
                Instant.parse(endedAt)).toMillis() / 1000.0);
    }

    RunStatus ended(RunState state, String message, String now) {
        return new RunStatus(state, configHash, name, startedAt, now, now, message, pid, host);
    }
}

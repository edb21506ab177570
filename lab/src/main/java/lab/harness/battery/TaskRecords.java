package lab.harness.battery;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a battery task writes beside its log, each file atomically: {@code tasks/<i>.started.json}
 * as soon as its run directory exists, {@code tasks/<i>.exit.json} when it ends (also on SIGINT /
 * SIGTERM, from a shutdown hook).
 */
public final class TaskRecords {

    private TaskRecords() {
    }

    /** @param schedulerJob the Slurm job id ({@code SLURM_JOB_ID}) when run by Slurm */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Started(
            @JsonProperty("index") int index,
            @JsonProperty("run_dir") String runDir,
            @JsonProperty("pid") long pid,
            @JsonProperty("host") String host,
            @JsonProperty("scheduler_job") String schedulerJob,
            @JsonProperty("started_at") String startedAt) {
    }

    /**
     * @param state FINISHED, FAILED or KILLED (a {@link lab.harness.rundir.RunState} that ended)
     * @param exitCode the task process's exit status
     * @param runDir absent when the task failed before its run directory existed (a bad config)
     * @param error one line, FAILED and KILLED only
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Exit(
            @JsonProperty("index") int index,
            @JsonProperty("state") String state,
            @JsonProperty("exit_code") int exitCode,
            @JsonProperty("run_dir") String runDir,
            @JsonProperty("started_at") String startedAt,
            @JsonProperty("ended_at") String endedAt,
            @JsonProperty("wall_seconds") double wallSeconds,
            @JsonProperty("error") String error) {
    }
}

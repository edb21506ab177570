package lab.harness.battery;

/** Where one battery task stands, as {@code harness battery status} reports it. */
public enum TaskState {
    /** Waiting: queued in Slurm, or not yet picked up by the local executor. */
    PENDING,
    /** Started (its run directory says RUNNING, or the scheduler runs it). */
    RUNNING,
    /** Its run FINISHED (or a FINISHED run of the same config existed: {@code --skip-existing}). */
    FINISHED,
    /** Its run FAILED, or the task died without ending its run. */
    FAILED,
    /** Stopped by Ctrl+C / SIGTERM outside a scheduler's cancel or time limit. */
    KILLED,
    /** Cancelled by the scheduler (scancel), before or while running. */
    CANCELLED,
    /** Stopped at the scheduler's time limit. */
    TIMEOUT,
    /** Not launched, or the scheduler no longer knows it and it left no record. */
    UNKNOWN;

    public boolean ended() {
        return this != PENDING && this != RUNNING && this != UNKNOWN;
    }

    /** The task should be run again by a re-submission with {@code --skip-existing}. */
    public boolean rerun() {
        return this != FINISHED && this != PENDING && this != RUNNING;
    }
}

package lab.harness.rundir;

/** The {@code status} of a run directory's {@code status.json}. */
public enum RunState {
    /** Started and not ended; or the process died without a word, which {@link RunLiveness} tells (STALE). */
    RUNNING,
    /** Every seed done and every output file written. */
    FINISHED,
    /** Ended by an error; {@code error} says which. */
    FAILED,
    /** Ended by Ctrl+C / SIGTERM; the results written so far are kept. */
    KILLED;

    public boolean ended() {
        return this != RUNNING;
    }
}

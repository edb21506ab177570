package lab.tracking;

/**
 * Lifecycle state of a tracked run. The numeric code is MLflow's {@code RunStatus} enum value:
 * the file store keeps it as a number in {@code meta.yaml} (a word there makes MLflow fail).
 */
public enum RunStatus {
    RUNNING(1),
    FINISHED(3),
    FAILED(4),
    KILLED(5);

    private final int mlflowCode;

    RunStatus(int mlflowCode) {
        this.mlflowCode = mlflowCode;
    }

    /** MLflow's numeric status, as written to the file store's {@code meta.yaml}. */
    public int mlflowCode() {
        return mlflowCode;
    }

    /** Whether a run in this state has ended (and so carries an end time). */
    public boolean isTerminal() {
        return this != RUNNING;
    }
}

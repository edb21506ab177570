package lab.tracking;

/** Tag keys that MLflow's UI and clients give a meaning to ("system tags"). */
public final class MlflowTags {

    /** Display name of the run; MLflow keeps it in sync with {@code run_name}. */
    public static final String RUN_NAME = "mlflow.runName";
    /** Who started the run. */
    public static final String USER = "mlflow.user";
    /** Git commit of the code that produced the run. */
    public static final String GIT_COMMIT = "mlflow.source.git.commit";
    /** Kind of source: MLflow's UI knows NOTEBOOK, JOB, PROJECT, LOCAL, UNKNOWN. */
    public static final String SOURCE_TYPE = "mlflow.source.type";
    /** Program that produced the run (a script path for Python; here a main class or command). */
    public static final String SOURCE_NAME = "mlflow.source.name";

    private MlflowTags() {
    }
}

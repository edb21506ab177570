/**
 * Logging runs to MLflow, knowing nothing of models or experiments.
 *
 * <p>Start a run with {@link lab.tracking.RunTrackers#start(String, lab.tracking.RunSpec)}, where the
 * target is the {@code output.mlflow} setting: a directory (MLflow file store, written directly
 * in the layout MLflow's FileStore reads) or an {@code http(s)://} tracking server (REST through
 * MLflow's Java client; artifacts through the server's {@code mlflow-artifacts} proxy). Then log
 * on the returned {@link lab.tracking.RunTracker} and end with {@code finish(FINISHED | FAILED |
 * KILLED)}; {@code close()} marks a run that was never finished as FAILED.
 */
package lab.tracking;

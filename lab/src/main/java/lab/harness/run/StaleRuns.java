package lab.harness.run;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import lab.harness.config.RunConfigLoader;
import lab.harness.rundir.RunLiveness;
import lab.harness.rundir.RunStatus;
import lab.harness.rundir.RunStatusFile;
import lab.tracking.RunTrackers;
import lab.tracking.TrackingException;

/**
 * Marks a STALE run (see {@link RunLiveness}) KILLED where it is recorded: its status.json and
 * its MLflow run, which the dead process left RUNNING.
 */
public final class StaleRuns {

    private StaleRuns() {
    }

    /**
     * @return what was done, one line (the MLflow part says why it could not be done, if so)
     * @throws IllegalArgumentException when the run is not STALE
     */
    public static String markKilled(RunLiveness.Observed run, Clock clock) throws IOException {
        if (!run.stale()) {
            throw new IllegalArgumentException(run.dir() + " is " + run.state() + ", not STALE: nothing to mark");
        }
        Path dir = run.dir();
        RunStatus killed = RunStatusFile.markKilled(dir, "marked KILLED: " + run.staleReason(), clock);
        String mlflow = markKilledInMlflow(dir, killed.mlflowRunId());
        return "KILLED in status.json" + mlflow;
    }

    private static String markKilledInMlflow(Path dir, String runId) {
        if (runId == null) {
            return "";
        }
        Optional<String> target;
        try {
            target = RunConfigLoader.inWorkingDirectory().withoutFileChecks()
                    .load(dir.resolve("config.json"), List.of()).output().mlflow().trackingTarget();
        } catch (RuntimeException e) {
            return "; MLflow run " + runId + " left as it is: " + dir.resolve("config.json") + " is unreadable (" + e.getMessage() + ")";
        }
        if (target.isEmpty()) {
            return "";
        }
        try {
            boolean ended = RunTrackers.endIfRunning(target.get(), runId, lab.tracking.RunStatus.KILLED);
            return ended ? " and in MLflow (run " + runId + ")" : "; MLflow run " + runId + " had already ended";
        } catch (TrackingException e) {
            return "; MLflow run " + runId + " not marked: " + e.getMessage();
        }
    }
}

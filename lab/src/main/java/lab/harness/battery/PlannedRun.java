package lab.harness.battery;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A run the battery selected (it passed {@code --filter}) and what it will do with it.
 *
 * @param finishedRun a FINISHED run directory of the same resolved config, if one exists
 */
public record PlannedRun(BatteryRun run, Optional<Path> finishedRun, Action action) {

    public enum Action {
        /** Will be launched. */
        RUN,
        /** {@code --skip-existing} and a finished run of the same config exists. */
        SKIP_EXISTING,
        /** Past {@code --max-runs}. */
        OVER_MAX_RUNS
    }

    /** One line of {@code --dry-run}: name, short hash, finished before or not, what will happen. */
    public String describe() {
        String done = finishedRun.map(p -> "finished (" + p.getFileName() + ")").orElse("not finished");
        String what = switch (action) {
            case RUN -> "would run";
            case SKIP_EXISTING -> "would skip";
            case OVER_MAX_RUNS -> "over --max-runs";
        };
        return run.name() + "  " + run.config().shortHash() + "  " + done + "  " + what;
    }
}

package lab.harness.battery;

import java.util.Optional;

/**
 * What happened to one planned run.
 *
 * @param error the exception's message when the launcher threw, else empty
 */
public record RunOutcome(PlannedRun planned, Result result, Optional<String> error) {

    public enum Result {
        FINISHED, FAILED, KILLED,
        /** {@code --skip-existing}: a finished run of the same config was there. */
        SKIPPED_EXISTING,
        /** Not launched: {@code --dry-run}, past {@code --max-runs}, or after a KILLED run. */
        NOT_RUN
    }

    public String name() {
        return planned.run().name();
    }
}

package lab.harness.battery;

import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * One task's reconciled status.
 *
 * @param runDir its run directory, once it started
 * @param wallSeconds the run's start to end (status.json), when it ended
 * @param exitCode the task's exit status (exit record, else the scheduler's), when it ended
 * @param detail a short why: the run's error, the last log line of a failed task, the scheduler's reason
 */
public record TaskStatus(int index, String name, TaskState state, Optional<String> runDir, OptionalDouble wallSeconds,
                         OptionalInt exitCode, Optional<String> detail) {

    /** {@code 3 h1_sweep/zero/n_examples=16  FAILED (exit 1: the last log line)}. */
    public String describe() {
        StringBuilder s = new StringBuilder().append(index).append(' ').append(name).append("  ").append(state);
        String why = (exitCode.isPresent() && state != TaskState.FINISHED ? "exit " + exitCode.getAsInt() : "")
                + (detail.isPresent() ? (exitCode.isPresent() && state != TaskState.FINISHED ? ": " : "") + detail.get() : "");
        if (!why.isEmpty()) {
            s.append(" (").append(why).append(')');
        }
        return s.toString();
    }
}

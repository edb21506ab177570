package lab.harness.battery;

import java.util.Map;
import java.util.Optional;

/**
 * What a scheduler says about a battery's tasks. Its word counts until a task has started: once
 * the task's run directory exists, its {@code status.json} is the source of truth, and the
 * scheduler only explains a run that died without ending (cancelled, timed out, failed).
 */
public interface SchedulerView {

    /** A scheduler's state for one task, mapped to ours; {@code exitCode} when it ended. */
    record Task(TaskState state, Optional<Integer> exitCode, Optional<String> reason) {
    }

    /**
     * The tasks the scheduler knows, by index; empty when it cannot be reached (status then
     * rests on the files alone) -- {@link #problem()} says why.
     */
    Map<Integer, Task> tasks(Submission submission);

    /** The merge job's state, when there is one and the scheduler knows it. */
    Optional<Task> mergeJob(Submission submission);

    /** Why the last query failed (controller down, no accounting), if it did. */
    Optional<String> problem();

    /** No scheduler: the local executor's files are all there is. */
    SchedulerView NONE = new SchedulerView() {
        @Override
        public Map<Integer, Task> tasks(Submission submission) {
            return Map.of();
        }

        @Override
        public Optional<Task> mergeJob(Submission submission) {
            return Optional.empty();
        }

        @Override
        public Optional<String> problem() {
            return Optional.empty();
        }
    };
}

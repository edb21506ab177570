package lab.harness.battery;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import lab.harness.rundir.RunStatus;
import lab.harness.rundir.RunStatusFile;

/**
 * Every task of a battery directory, reconciled: a task's run directory ({@code status.json}) is
 * the source of truth once it exists; the scheduler's word fills in before that (PENDING, or
 * CANCELLED / FAILED before the run began) and explains a run that stopped without ending
 * ({@code RUNNING} in status.json while the scheduler says the task is over: the process died).
 */
public final class BatteryStatus {

    private final List<TaskStatus> tasks;
    private final Optional<SchedulerView.Task> mergeJob;
    private final Optional<String> schedulerProblem;

    private BatteryStatus(List<TaskStatus> tasks, Optional<SchedulerView.Task> mergeJob, Optional<String> schedulerProblem) {
        this.tasks = List.copyOf(tasks);
        this.mergeJob = mergeJob;
        this.schedulerProblem = schedulerProblem;
    }

    public static BatteryStatus read(BatteryDirectory dir, SchedulerView scheduler) {
        BatteryManifest manifest = dir.manifest();
        Optional<Submission> submission = dir.submission();
        Map<Integer, SchedulerView.Task> known = submission.map(scheduler::tasks).orElse(Map.of());
        Optional<SchedulerView.Task> merge = submission.flatMap(scheduler::mergeJob);
        boolean schedulerAnswered = scheduler.problem().isEmpty() && submission.isPresent()
                && Submission.SLURM.equals(submission.get().executor());
        List<TaskStatus> tasks = new ArrayList<>();
        for (BatteryManifest.Entry entry : manifest.runs()) {
            boolean launched = submission.isPresent() && submission.get().indices().contains(entry.index());
            tasks.add(task(dir, entry, launched, Optional.ofNullable(known.get(entry.index())), schedulerAnswered));
        }
        return new BatteryStatus(tasks, merge, scheduler.problem());
    }

    private static TaskStatus task(BatteryDirectory dir, BatteryManifest.Entry entry, boolean launched,
                                   Optional<SchedulerView.Task> scheduled, boolean schedulerAnswered) {
        int i = entry.index();
        if (entry.existing().isPresent()) {
            Optional<RunStatus> run = RunStatusFile.read(Path.of(entry.existingRun()));
            return new TaskStatus(i, entry.name(), TaskState.FINISHED, entry.existing(), run.map(RunStatus::workSeconds).orElse(OptionalDouble.empty()),
                    OptionalInt.empty(), Optional.of("finished before this battery: --skip-existing"));
        }
        Optional<TaskRecords.Exit> exit = dir.exit(i);
        Optional<String> runDir = dir.started(i).map(TaskRecords.Started::runDir)
                .or(() -> exit.map(TaskRecords.Exit::runDir));
        Optional<RunStatus> run = runDir.flatMap(d -> RunStatusFile.read(Path.of(d)));
        OptionalInt exitCode = exit.map(e -> OptionalInt.of(e.exitCode()))
                .or(() -> scheduled.flatMap(SchedulerView.Task::exitCode).map(OptionalInt::of)).orElse(OptionalInt.empty());
        OptionalDouble wall = run.map(RunStatus::workSeconds).orElse(OptionalDouble.empty());
        TaskState state;
        Optional<String> detail = Optional.empty();
        if (run.isPresent() && run.get().status().ended()) {
            switch (run.get().status()) {
                case FINISHED -> state = TaskState.FINISHED;
                case FAILED -> {
                    state = TaskState.FAILED;
                    detail = Optional.ofNullable(run.get().error());
                }
                default -> {
                    // KILLED: the scheduler says whether that was a cancel or the time limit
                    state = scheduled.map(SchedulerView.Task::state)
                            .filter(s -> s == TaskState.CANCELLED || s == TaskState.TIMEOUT).orElse(TaskState.KILLED);
                    detail = Optional.of("stopped mid-run; results so far kept in " + runDir.get());
                }
            }
        } else if (run.isPresent() || exit.isPresent()) {
            // started, and status.json does not say it ended
            if (exit.isPresent()) {
                state = TaskState.valueOf(exit.get().state());
                detail = Optional.ofNullable(exit.get().error());
            } else if (scheduled.isPresent() && scheduled.get().state().ended()) {
                state = scheduled.get().state() == TaskState.FINISHED ? TaskState.FAILED : scheduled.get().state();
                detail = Optional.of("the task ended without ending its run" + lastLine(dir, i));
            } else if (scheduled.isEmpty() && schedulerAnswered) {
                state = TaskState.FAILED;
                detail = Optional.of("the scheduler no longer runs this task and its run never ended" + lastLine(dir, i));
            } else {
                state = TaskState.RUNNING;
            }
        } else if (scheduled.isPresent()) {
            SchedulerView.Task s = scheduled.get();
            state = s.state() == TaskState.FINISHED ? TaskState.FAILED : s.state();
            if (state == TaskState.FAILED) {
                detail = dir.lastLogLine(i).or(() -> Optional.of("the task ended without starting its run"));
            } else {
                detail = s.reason();
            }
        } else if (!launched) {
            state = TaskState.UNKNOWN;
            detail = Optional.of("not launched");
        } else if (schedulerAnswered) {
            state = TaskState.UNKNOWN;
            detail = Optional.of("the scheduler no longer knows this task and it left no record");
        } else {
            state = TaskState.PENDING;
        }
        return new TaskStatus(i, entry.name(), state, runDir, wall, exitCode, detail);
    }

    private static String lastLine(BatteryDirectory dir, int index) {
        return dir.lastLogLine(index).map(l -> ": " + l).orElse("");
    }

    public List<TaskStatus> tasks() {
        return tasks;
    }

    public Optional<SchedulerView.Task> mergeJob() {
        return mergeJob;
    }

    public Optional<String> schedulerProblem() {
        return schedulerProblem;
    }

    /** Every task ended (or will never run here). */
    public boolean allEnded() {
        return tasks.stream().allMatch(t -> t.state().ended() || t.state() == TaskState.UNKNOWN);
    }

    public boolean allFinished() {
        return tasks.stream().allMatch(t -> t.state() == TaskState.FINISHED);
    }

    public Map<TaskState, Integer> counts() {
        Map<TaskState, Integer> counts = new EnumMap<>(TaskState.class);
        tasks.forEach(t -> counts.merge(t.state(), 1, Integer::sum));
        return counts;
    }

    /** {@code 6 tasks: 3 FINISHED, 1 RUNNING, 2 PENDING}. */
    public String progressLine() {
        StringBuilder s = new StringBuilder().append(tasks.size()).append(" tasks:");
        String sep = " ";
        for (Map.Entry<TaskState, Integer> e : counts().entrySet()) {
            s.append(sep).append(e.getValue()).append(' ').append(e.getKey());
            sep = ", ";
        }
        mergeJob.ifPresent(m -> s.append("; merge job ").append(m.state()));
        schedulerProblem.ifPresent(p -> s.append(" (scheduler: ").append(p).append(')'));
        return s.toString();
    }
}

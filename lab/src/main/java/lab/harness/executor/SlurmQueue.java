package lab.harness.executor;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import lab.harness.battery.SchedulerView;
import lab.harness.battery.Submission;
import lab.harness.battery.TaskState;

/**
 * Slurm's view of a submitted battery: {@code scontrol -o show job <array>} (one line per task,
 * pending tasks folded into one line with a range; it keeps ended jobs for MinJobAge, and answers
 * again once a restarted slurmctld has reloaded its state), and {@code sacct} (where accounting
 * exists) for jobs scontrol has already forgotten. When neither answers, {@link #problem()} says
 * why and the status rests on the battery's files.
 */
public final class SlurmQueue implements SchedulerView {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private volatile Optional<String> problem = Optional.empty();

    @Override
    public Map<Integer, Task> tasks(Submission submission) {
        problem = Optional.empty();
        if (submission.arrayJob() == null) {
            return Map.of();
        }
        return query(submission.arrayJob(), true);
    }

    @Override
    public Optional<Task> mergeJob(Submission submission) {
        if (submission.mergeJob() == null) {
            return Optional.empty();
        }
        Map<Integer, Task> job = query(submission.mergeJob(), false);
        return Optional.ofNullable(job.get(-1));
    }

    @Override
    public Optional<String> problem() {
        return problem;
    }

    /** Tasks by array index; a plain job as index -1. */
    private Map<Integer, Task> query(String jobId, boolean array) {
        Commands.Result r = Commands.run(List.of("scontrol", "-o", "show", "job", jobId), TIMEOUT);
        if (r.ok()) {
            return parseScontrol(r.output(), jobId, array);
        }
        if (!r.output().contains("Invalid job id")) {
            problem = Optional.of("scontrol: " + r.firstLine());
            return Map.of();
        }
        Commands.Result acct = Commands.run(List.of("sacct", "-n", "-P", "-X", "-j", jobId, "-o", "JobID,State,ExitCode"), TIMEOUT);
        if (!acct.ok()) {
            problem = Optional.of("Slurm no longer shows job " + jobId + " (past MinJobAge) and sacct cannot say: " + acct.firstLine());
            return Map.of();
        }
        return parseSacct(acct.output(), jobId, array);
    }

    static Map<Integer, Task> parseScontrol(String output, String jobId, boolean array) {
        Map<Integer, Task> tasks = new HashMap<>();
        for (String line : output.strip().lines().toList()) {
            Map<String, String> f = fields(line);
            if (!f.containsKey("JobState")) {
                continue;
            }
            Task task = new Task(state(f.get("JobState")), exitCode(f.get("ExitCode")), Optional.ofNullable(f.get("Reason"))
                    .filter(r -> !r.equals("None")));
            if (!array) {
                tasks.put(-1, task);
            } else if (jobId.equals(f.get("ArrayJobId")) && f.containsKey("ArrayTaskId")) {
                indices(f.get("ArrayTaskId")).forEach(i -> tasks.put(i, task));
            }
        }
        return tasks;
    }

    static Map<Integer, Task> parseSacct(String output, String jobId, boolean array) {
        Map<Integer, Task> tasks = new HashMap<>();
        for (String line : output.strip().lines().toList()) {
            String[] cols = line.split("\\|", -1);
            if (cols.length < 3) {
                continue;
            }
            Task task = new Task(state(cols[1]), exitCode(cols[2]), Optional.empty());
            if (!array) {
                tasks.put(-1, task);
            } else if (cols[0].startsWith(jobId + "_")) {
                String part = cols[0].substring(jobId.length() + 1).replace("[", "").replace("]", "");
                indices(part).forEach(i -> tasks.put(i, task));
            }
        }
        return tasks;
    }

    private static Map<String, String> fields(String line) {
        Map<String, String> f = new HashMap<>();
        for (String token : line.strip().split("\\s+")) {
            int eq = token.indexOf('=');
            if (eq > 0) {
                f.putIfAbsent(token.substring(0, eq), token.substring(eq + 1));
            }
        }
        return f;
    }

    /** {@code 3}, {@code 1-5%2}, {@code 1,3-4}: every index named. */
    static List<Integer> indices(String spec) {
        String s = spec.split("%")[0];
        java.util.ArrayList<Integer> out = new java.util.ArrayList<>();
        for (String part : s.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            String[] range = part.split("-");
            try {
                int from = Integer.parseInt(range[0].strip());
                int to = range.length > 1 ? Integer.parseInt(range[1].strip()) : from;
                for (int i = from; i <= to; i++) {
                    out.add(i);
                }
            } catch (NumberFormatException e) {
                // not an index range (e.g. a step suffix): skip it
            }
        }
        return out;
    }

    /** Slurm job states onto ours ({@code CANCELLED by 0} counts as CANCELLED). */
    static TaskState state(String slurm) {
        String s = slurm.strip().split("\\s+")[0].replace("+", "");
        return switch (s) {
            case "PENDING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "CONFIGURING", "SUSPENDED", "RESV_DEL_HOLD",
                 "STOPPED", "SIGNALING", "RESIZING" -> TaskState.PENDING;
            case "RUNNING", "COMPLETING", "STAGE_OUT" -> TaskState.RUNNING;
            case "COMPLETED" -> TaskState.FINISHED;
            case "CANCELLED", "PREEMPTED", "REVOKED" -> TaskState.CANCELLED;
            case "TIMEOUT", "DEADLINE" -> TaskState.TIMEOUT;
            default -> TaskState.FAILED; // FAILED, NODE_FAIL, OUT_OF_MEMORY, BOOT_FAIL, SPECIAL_EXIT
        };
    }

    /** {@code code:signal} as an exit status: the code, or 128 + the signal when a signal ended it. */
    static Optional<Integer> exitCode(String slurm) {
        if (slurm == null || !slurm.matches("\\d+:\\d+")) {
            return Optional.empty();
        }
        String[] parts = slurm.split(":");
        int code = Integer.parseInt(parts[0]);
        int signal = Integer.parseInt(parts[1]);
        return Optional.of(signal != 0 ? 128 + signal : code);
    }
}

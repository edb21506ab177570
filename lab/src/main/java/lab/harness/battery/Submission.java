package lab.harness.battery;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A battery directory's {@code submission.json}: how its tasks were launched.
 *
 * @param executor {@code local} or {@code slurm}
 * @param indices the task indices launched
 * @param arrayJob the Slurm job array's id (slurm only)
 * @param mergeJob the Slurm merge job's id (slurm only)
 * @param command the sbatch command line, or the local launcher's pid and job count
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Submission(
        @JsonProperty("executor") String executor,
        @JsonProperty("indices") List<Integer> indices,
        @JsonProperty("array_job") String arrayJob,
        @JsonProperty("merge_job") String mergeJob,
        @JsonProperty("command") String command,
        @JsonProperty("submitted_at") String submittedAt) {

    public static final String LOCAL = "local";
    public static final String SLURM = "slurm";

    public Submission {
        indices = List.copyOf(indices);
    }
}

package lab.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import lab.harness.executor.SlurmOptions;
import picocli.CommandLine.Option;

/** The sbatch options of {@code harness battery --executor slurm}. */
final class SlurmFlags {

    @Option(names = "--partition", description = "sbatch --partition.")
    String partition;

    @Option(names = "--time", description = "sbatch --time per task (90, 01:30:00, 1-00:00:00).")
    String time;

    @Option(names = "--mem", description = "sbatch --mem per task (4G); the task JVM's heap is half of it.")
    String mem;

    @Option(names = "--cpus-per-task", description = "sbatch --cpus-per-task (default 1); also libtorch's threads.")
    Integer cpusPerTask;

    @Option(names = "--gpus", description = "sbatch --gpus per task (run configs then want model.device auto or cuda).")
    String gpus;

    @Option(names = "--max-parallel", paramLabel = "P", description = "At most P tasks at once (the array's %%P).")
    Integer maxParallel;

    @Option(names = "--account", description = "sbatch --account.")
    String account;

    @Option(names = "--qos", description = "sbatch --qos.")
    String qos;

    @Option(names = "--sbatch-arg", paramLabel = "ARG", description = "Any further sbatch argument, as given (repeatable):"
            + " --sbatch-arg=--constraint=a100.")
    List<String> sbatchArgs = new ArrayList<>();

    SlurmOptions options() {
        return new SlurmOptions(Optional.ofNullable(partition), Optional.ofNullable(time), Optional.ofNullable(mem),
                cpusPerTask == null ? 1 : cpusPerTask, Optional.ofNullable(gpus),
                maxParallel == null ? OptionalInt.empty() : OptionalInt.of(maxParallel), Optional.ofNullable(account),
                Optional.ofNullable(qos), sbatchArgs);
    }
}

package lab.harness.executor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code harness battery --executor slurm} options and their sbatch flags. The task JVM's heap is
 * half of {@code --mem} (libtorch's tensors live outside the heap, in the other half); libtorch's
 * threads are {@code --cpus-per-task}.
 *
 * @param time sbatch's {@code --time} ({@code MM}, {@code HH:MM:SS}, {@code D-HH}...)
 * @param mem sbatch's {@code --mem}: a number of megabytes or with a K/M/G/T suffix
 * @param maxParallel the array's {@code %P}: at most P tasks at once
 * @param extra further sbatch arguments, passed as given ({@code --sbatch-arg=--constraint=a100})
 */
public record SlurmOptions(Optional<String> partition, Optional<String> time, Optional<String> mem, int cpusPerTask,
                           Optional<String> gpus, OptionalInt maxParallel, Optional<String> account, Optional<String> qos,
                           List<String> extra) {

    private static final Pattern MEMORY = Pattern.compile("(\\d+)([KMGT]?)B?", Pattern.CASE_INSENSITIVE);
    private static final Pattern TIME = Pattern.compile("(\\d+-)?\\d+(:\\d+){0,2}|UNLIMITED|INFINITE", Pattern.CASE_INSENSITIVE);

    public SlurmOptions {
        extra = List.copyOf(extra);
        if (cpusPerTask < 1) {
            throw new IllegalArgumentException("--cpus-per-task " + cpusPerTask + ": give 1 or more");
        }
        if (maxParallel.isPresent() && maxParallel.getAsInt() < 1) {
            throw new IllegalArgumentException("--max-parallel " + maxParallel.getAsInt() + ": give 1 or more");
        }
        mem.ifPresent(SlurmOptions::megabytes);
        time.ifPresent(t -> {
            if (!TIME.matcher(t).matches()) {
                throw new IllegalArgumentException("--time '" + t + "': not a Slurm time limit; give minutes (90), HH:MM:SS"
                        + " (01:30:00) or D-HH:MM:SS (1-00:00:00)");
            }
        });
    }

    public static SlurmOptions defaults() {
        return new SlurmOptions(Optional.empty(), Optional.empty(), Optional.empty(), 1, Optional.empty(), OptionalInt.empty(),
                Optional.empty(), Optional.empty(), List.of());
    }

    public SlurmOptions withMem(String memory) {
        return new SlurmOptions(partition, time, Optional.of(memory), cpusPerTask, gpus, maxParallel, account, qos, extra);
    }

    /** Megabytes of a Slurm memory size ({@code 4000}, {@code 4G}, {@code 512M}). */
    static long megabytes(String mem) {
        Matcher m = MEMORY.matcher(mem.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("--mem '" + mem + "': not a Slurm memory size; give megabytes (4000) or a"
                    + " number with K, M, G or T (4G)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> Math.max(1, n / 1024);
            case "G" -> n * 1024;
            case "T" -> n * 1024 * 1024;
            default -> n;
        };
    }

    /** The task JVM's heap: half of {@code --mem}, at least 256 MB; the JVM's default without {@code --mem}. */
    public OptionalLong heapMegabytes() {
        return mem.map(m -> OptionalLong.of(Math.max(256, megabytes(m) / 2))).orElse(OptionalLong.empty());
    }

    /** The resource flags every job of the battery gets (tasks and merge alike, GPUs and CPUs aside). */
    List<String> commonFlags() {
        List<String> flags = new ArrayList<>();
        partition.ifPresent(p -> flags.add("--partition=" + p));
        time.ifPresent(t -> flags.add("--time=" + t));
        mem.ifPresent(m -> flags.add("--mem=" + m));
        account.ifPresent(a -> flags.add("--account=" + a));
        qos.ifPresent(q -> flags.add("--qos=" + q));
        return flags;
    }

    /** Flags of the array's tasks: the common ones, CPUs, GPUs, then the free {@code --sbatch-arg}s. */
    List<String> taskFlags() {
        List<String> flags = commonFlags();
        flags.add("--cpus-per-task=" + cpusPerTask);
        gpus.ifPresent(g -> flags.add("--gpus=" + g));
        flags.addAll(extra);
        return flags;
    }

    /** {@code 0-5%2}, {@code 1,3-4}: the indices as sbatch's {@code --array} value. */
    String arraySpec(List<Integer> indices) {
        List<Integer> sorted = indices.stream().sorted().toList();
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < sorted.size(); ) {
            int j = i;
            while (j + 1 < sorted.size() && sorted.get(j + 1) == sorted.get(j) + 1) {
                j++;
            }
            if (s.length() > 0) {
                s.append(',');
            }
            s.append(sorted.get(i));
            if (j > i) {
                s.append('-').append(sorted.get(j));
            }
            i = j + 1;
        }
        maxParallel.ifPresent(p -> s.append('%').append(p));
        return s.toString();
    }
}

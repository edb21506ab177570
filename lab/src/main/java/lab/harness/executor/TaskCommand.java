package lab.harness.executor;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * The command line that runs the harness in a new JVM (a battery task, or the merge), with this
 * JVM's Java and class path (made absolute, so the command works from any directory), libtorch's
 * intra-op threads ({@code ai.djl.pytorch.num_threads}, read when the engine starts), this JVM's
 * {@code lab.onednn} if set and, optionally, the heap limit.
 */
public final class TaskCommand {

    private final String mainClass;

    /** @param mainClass the harness's entry point ({@code lab.cli.HarnessCommand}) */
    public TaskCommand(String mainClass) {
        this.mainClass = mainClass;
    }

    /** {@code java [-Xmx<heap>m] -Dai.djl.pytorch.num_threads=<threads> ... -cp <cp> <main> <args>}. */
    public List<String> java(int threads, OptionalLong heapMegabytes, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        heapMegabytes.ifPresent(mb -> cmd.add("-Xmx" + mb + "m"));
        cmd.add("-Dai.djl.pytorch.num_threads=" + threads);
        cmd.add("-Dai.djl.pytorch.num_interop_threads=1");
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-Djava.awt.headless=true");
        // where linear layers run changes results in the last bits: a task runs as its battery was asked to
        String linearPath = System.getProperty("lab.onednn");
        if (linearPath != null) {
            cmd.add("-Dlab.onednn=" + linearPath);
        }
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(mainClass);
        cmd.addAll(Arrays.asList(args));
        return cmd;
    }

    private static String classPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(s -> !s.isBlank())
                .map(s -> Path.of(s).toAbsolutePath().normalize().toString())
                .collect(Collectors.joining(File.pathSeparator));
    }
}

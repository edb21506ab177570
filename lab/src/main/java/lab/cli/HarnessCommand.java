package lab.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: {@code harness <command>}. */
@Command(name = "harness", mixinStandardHelpOptions = true, version = "Tiny Ablation Lab 0.1.0",
        description = "Mechanistic-interpretability lab: hooked transformers, ablations, patching.",
        subcommands = {ModelCommand.class, TokenizeCommand.class, CacheCommand.class, BenchCommand.class,
                CompareCommand.class, RunCommand.class, StatusCommand.class, BatteryCommand.class, PairsConfigCommand.class,
                LeaderboardCommand.class, TrainCommand.class, DataCommand.class, PatternsCommand.class,
                SaeCommand.class})
public final class HarnessCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code (tests call this rather than main). */
    public static int execute(String... args) {
        // every native library comes from the Maven jars: never reach for the network
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        // DJL warns on every start of a CPU-only machine that it found no CUDA driver
        System.setProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
        System.setProperty("java.awt.headless", "true");
        return new CommandLine(new HarnessCommand())
                .setExecutionExceptionHandler(new ErrorReporter())
                .execute(args);
    }
}

package lab.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code harness bench ...}: speed measurements that print ratios from one run. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks.",
        subcommands = {BenchForwardCommand.class, BenchSweepCommand.class, BenchPatchCommand.class,
                BenchAtpCommand.class})
final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}

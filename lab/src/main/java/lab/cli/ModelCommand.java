package lab.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code harness model ...}: commands about a model folder. */
@Command(name = "model", mixinStandardHelpOptions = true, description = "Inspect a model folder.",
        subcommands = {ModelInfoCommand.class})
final class ModelCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}

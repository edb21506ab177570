package lab.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code harness sae ...}: sparse autoencoders in SAELens's format. */
@Command(name = "sae", mixinStandardHelpOptions = true, description = "Sparse autoencoders (SAELens 6.x folders).",
        subcommands = {SaeApplyCommand.class})
final class SaeCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}

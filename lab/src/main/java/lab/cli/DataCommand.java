package lab.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code harness data ...}: the sample corpora, their splits and the split audit. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Corpora: generate, split, audit.",
        subcommands = {DataCorporaCommand.class, DataSplitCommand.class, DataAuditCommand.class})
final class DataCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}

package lab.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import lab.runtime.loading.ModelLoadException;
import picocli.CommandLine;

/**
 * Turns the errors a user can fix (bad input, missing files) into one line on stderr and exit
 * code 2; anything else is a bug and keeps its stack trace (exit 1).
 */
final class ErrorReporter implements CommandLine.IExecutionExceptionHandler {

    static final int BAD_INPUT = 2;

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        if (isUserError(e)) {
            cmd.getErr().println("harness " + cmd.getCommandName() + ": error: " + e.getMessage());
            return BAD_INPUT;
        }
        cmd.getErr().println("harness " + cmd.getCommandName() + ": internal error (please report): " + e);
        e.printStackTrace(cmd.getErr());
        return 1;
    }

    private static boolean isUserError(Exception e) {
        return e instanceof IllegalArgumentException || e instanceof ModelLoadException
                || e instanceof IllegalStateException || e instanceof IOException || e instanceof UncheckedIOException;
    }
}

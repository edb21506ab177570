package lab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command and subcommand prints its --help cleanly: no picocli warning (e.g. an unescaped % in a description). */
class HelpTest {

    @Test
    void everyCommandsHelpPrintsWithoutWarnings() {
        List<List<String>> paths = new ArrayList<>();
        walk(new CommandLine(new HarnessCommand()), new ArrayList<>(), paths);
        assertTrue(paths.size() >= 15, "expected every command, found " + paths);
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            // picocli's tracer writes its warnings to System.err, which CliTest.harness captures
            CliTest.Outcome o = CliTest.harness(args.toArray(String[]::new));
            String shown = "harness " + String.join(" ", args);
            assertEquals(0, o.code(), shown + ": " + o.err());
            assertEquals("", o.err(), shown + " wrote to stderr");
            assertFalse(o.out().contains("[picocli WARN]"), shown + ": " + o.out());
            assertTrue(o.out().startsWith("Usage: harness"), shown + ": " + o.out());
        }
    }

    private static void walk(CommandLine command, List<String> path, List<List<String>> paths) {
        paths.add(path);
        command.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandName().equals(name)) { // aliases would repeat a command
                List<String> next = new ArrayList<>(path);
                next.add(name);
                walk(sub, next, paths);
            }
        });
    }
}

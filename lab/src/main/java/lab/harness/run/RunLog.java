package lab.harness.run;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/** The run's log file ({@code run.log}): timestamped lines, flushed as written, echoed to stderr. */
final class RunLog implements AutoCloseable {

    private final BufferedWriter out;

    RunLog(Path file) {
        try {
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the run log " + file, e);
        }
    }

    synchronized void info(String format, Object... args) {
        String line = Instant.now() + " " + String.format(format, args);
        System.err.println(line);
        try {
            out.write(line);
            out.newLine();
            out.flush();
        } catch (IOException e) {
            System.err.println("(could not write the run log: " + e.getMessage() + ")");
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            System.err.println("(could not close the run log: " + e.getMessage() + ")");
        }
    }
}

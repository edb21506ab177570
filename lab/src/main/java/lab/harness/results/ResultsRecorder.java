package lab.harness.results;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * The harness's handle on one run's results: append rows as examples finish, {@link #flush()}
 * whenever a checkpoint is wanted, and {@link #close()} at the end.
 *
 * <p>Every flush rewrites {@code results.parquet} atomically with all rows so far, so the file on
 * disk is always a complete, readable table of finished work. For Ctrl+C,
 * {@link #flushOnShutdown()} registers a JVM shutdown hook (SIGINT/SIGTERM run hooks) that flushes
 * once more; a kill -9 loses only the rows since the last flush. Flushing skips the write when no
 * row was added since the previous one.
 */
public final class ResultsRecorder implements AutoCloseable {

    private final ResultsTable table;
    private final Path file;
    private int flushedRows = -1; // -1: nothing written yet, so even an empty table is written once
    private Thread shutdownHook;

    public ResultsRecorder(ResultsSchema schema, Path file) {
        this.table = new ResultsTable(schema);
        this.file = Objects.requireNonNull(file, "file");
    }

    /** A recorder writing {@value ParquetResultsWriter#FILE_NAME} inside {@code runDirectory}. */
    public static ResultsRecorder inDirectory(ResultsSchema schema, Path runDirectory) {
        return new ResultsRecorder(schema, runDirectory.resolve(ParquetResultsWriter.FILE_NAME));
    }

    public ResultsTable table() {
        return table;
    }

    public Path file() {
        return file;
    }

    public RowBuilder newRow() {
        return table.newRow();
    }

    public ResultRow append(Map<String, ?> values) {
        return table.append(values);
    }

    /** Writes all rows so far, atomically, unless nothing changed since the last flush. */
    public synchronized void flush() throws IOException {
        var rows = table.rows();
        if (rows.size() == flushedRows) {
            return;
        }
        ParquetResultsWriter.write(table.schema(), rows, file);
        flushedRows = rows.size();
    }

    /**
     * Registers a shutdown hook that flushes (idempotent). Returns the hook so the caller can
     * inspect it; {@link #close()} removes it.
     */
    public synchronized Thread flushOnShutdown() {
        if (shutdownHook == null) {
            shutdownHook = new Thread(() -> {
                try {
                    flush();
                } catch (IOException e) {
                    // Nothing else can be done during shutdown; say what was lost.
                    System.err.println("could not flush results to " + file + ": " + e);
                }
            }, "results-flush-on-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        return shutdownHook;
    }

    /** Flushes and unregisters the shutdown hook. */
    @Override
    public synchronized void close() throws IOException {
        flush();
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // close() called from within shutdown: the hook is running or has run.
            }
            shutdownHook = null;
        }
    }

    /** For lambdas that cannot throw IOException. */
    public void flushUnchecked() {
        try {
            flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package lab.harness.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsRecorderTest {

    @TempDir
    Path dir;

    @Test
    void flushesIncrementallyAndOnShutdown() throws Exception {
        ResultsRecorder recorder = ResultsRecorder.inDirectory(SeedLevelSummarizerTest.schema(), dir);
        Path file = dir.resolve("results.parquet");
        assertEquals(file, recorder.file());

        SeedLevelSummarizerTest.row(recorder.table(), "e1", 0, 0, "up", 1.0, 2.0);
        recorder.newRow().exampleId("e2").seed(0).group("g").set("layer", 0).set("logit_diff", 3.0).append();
        recorder.flush();
        assertEquals(2, AtomicWriteTest.countRows(file));

        // Unchanged since the last flush: no rewrite (mtime kept).
        FileTime before = FileTime.fromMillis(0);
        Files.setLastModifiedTime(file, before);
        recorder.flush();
        assertEquals(before, Files.getLastModifiedTime(file));

        // What Ctrl+C would do: the registered hook flushes the rows appended since.
        Thread hook = recorder.flushOnShutdown();
        assertSame(hook, recorder.flushOnShutdown(), "registering twice returns the same hook");
        SeedLevelSummarizerTest.row(recorder.table(), "e3", 1, 0, "up", 4.0, 5.0);
        hook.run();
        assertEquals(3, AtomicWriteTest.countRows(file));

        SeedLevelSummarizerTest.row(recorder.table(), "e4", 1, 0, "up", 6.0, 7.0);
        recorder.close();
        assertEquals(4, AtomicWriteTest.countRows(file));
        assertFalse(Runtime.getRuntime().removeShutdownHook(hook), "close() unregisters the hook");
        assertEquals(4, ParquetResultsReader.read(file).rowCount());
    }

    @Test
    void closingAnEmptyRecorderStillWritesAReadableFile() throws Exception {
        try (ResultsRecorder recorder = ResultsRecorder.inDirectory(SeedLevelSummarizerTest.schema(), dir)) {
            assertEquals(0, recorder.table().rowCount());
        }
        assertEquals(0, AtomicWriteTest.countRows(dir.resolve("results.parquet")));
    }
}

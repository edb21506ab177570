package lab.harness.results;

import lab.io.AtomicFiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicWriteTest {

    @TempDir
    Path dir;

    private List<Path> listing() throws IOException {
        try (var files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    @Test
    void failureHalfwayLeavesThePreviousFileAndNoTempFile() throws Exception {
        Path target = dir.resolve("summary.json");
        AtomicFiles.writeString(target, "old");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeFile(target, temp -> {
            Files.writeString(temp, "new but incomplete");
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals("old", Files.readString(target));
        assertEquals(List.of(target), listing());

        assertThrows(IllegalStateException.class, () -> AtomicFiles.writeFile(target, temp -> {
            Files.writeString(temp, "x");
            throw new IllegalStateException("bug in the writer");
        }));
        assertEquals("old", Files.readString(target));
        assertEquals(List.of(target), listing());
    }

    @Test
    void resultHasTheSamePermissionsAsAnyNewFile() throws Exception {
        Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path plain = Files.createFile(dir.resolve("plain"));
        Path atomic = dir.resolve("atomic");
        AtomicFiles.writeString(atomic, "x");
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(atomic));
    }

    @Test
    void replacesExistingContentAndCreatesParents() throws Exception {
        Path target = dir.resolve("run-1/nested/summary.csv");
        AtomicFiles.writeString(target, "a");
        AtomicFiles.writeString(target, "ünïcode");
        assertEquals("ünïcode", Files.readString(target, StandardCharsets.UTF_8));
        try (var files = Files.list(target.getParent())) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void aRejectedParquetWriteKeepsTheEarlierResults() throws Exception {
        Path file = dir.resolve("results.parquet");
        ResultsTable first = new ResultsTable(SeedLevelSummarizerTest.schema());
        SeedLevelSummarizerTest.row(first, "e1", 0, 0, "up", 1.0, 2.0);
        ParquetResultsWriter.write(first, file);

        ResultsSchema other = ResultsSchema.builder().metric("kl").build();
        ResultRow foreignRow = new ResultsTable(other).newRow().exampleId("x").seed(1).group("g").build();
        assertThrows(IllegalArgumentException.class,
                () -> ParquetResultsWriter.write(first.schema(), List.of(foreignRow), file));
        assertEquals(1, countRows(file));
        assertEquals(List.of(file), listing());
    }

    @Test
    void aFailedRenameLeavesNoTempFile() throws Exception {
        // The target is a non-empty directory: the Parquet content is written, the final move fails.
        Path target = dir.resolve("results.parquet");
        Files.createDirectory(target);
        Files.writeString(target.resolve("keep"), "x");
        ResultsTable table = new ResultsTable(SeedLevelSummarizerTest.schema());
        SeedLevelSummarizerTest.row(table, "e1", 0, 0, "up", 1.0, 2.0);
        assertThrows(IOException.class, () -> ParquetResultsWriter.write(table, target));
        assertEquals(List.of(target), listing());
        assertTrue(Files.exists(target.resolve("keep")));
    }

    static long countRows(Path parquet) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM read_parquet('" + parquet + "')")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

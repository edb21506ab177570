package lab.harness.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParquetResultsReaderTest {

    @TempDir
    Path dir;

    @Test
    void roundTripsSchemaRolesAndValuesIncludingNullAndNaN() throws Exception {
        ResultsTable table = new ResultsTable(ParquetResultsWriterTest.allTypesSchema());
        table.newRow().exampleId("α").seed(3).group("g")
                .set("layer", 1).set("scale", 2.0).set("direction", "up")
                .set("logit_diff", Double.NaN).set("kl", 0.25).set("clean_logit_diff", 1.0)
                .set("token_count", 7L).set("correct", true).append();
        table.newRow().exampleId("β").seed(4).group("g").append(); // everything else null
        // More rows than one page holds, to cross page boundaries on read.
        for (int i = 0; i < 30_000; i++) {
            table.newRow().exampleId("bulk-" + i).seed(i % 5).group("bulk").set("layer", i)
                    .set("logit_diff", i * 0.5).set("direction", i % 2 == 0 ? "a" : null).append();
        }
        Path file = dir.resolve("results.parquet");
        ParquetResultsWriter.write(table, file);

        ResultsTable back = ParquetResultsReader.read(file);
        assertEquals(table.schema(), back.schema());
        assertEquals(table.rows(), back.rows());
        assertTrue(Double.isNaN(back.rows().get(0).getDouble("logit_diff")));
        assertEquals(null, back.rows().get(1).get("logit_diff"));
        assertEquals(29_999 * 0.5, back.rows().get(30_001).getDouble("logit_diff"));
    }

    @Test
    void rejectsParquetFilesWithoutOurSchemaMetadata() throws Exception {
        Path foreign = dir.resolve("foreign.parquet");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             Statement s = c.createStatement()) {
            s.execute("COPY (SELECT 'x' AS example_id, 1 AS seed) TO '" + foreign + "' (FORMAT PARQUET)");
        }
        IOException e = assertThrows(IOException.class, () -> ParquetResultsReader.read(foreign));
        assertTrue(e.getMessage().contains(ParquetSchemas.METADATA_KEY), e.getMessage());
    }
}

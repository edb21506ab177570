package lab.harness.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes Parquet with our writer and reads it back with DuckDB, an independent implementation. */
class ParquetResultsWriterTest {

    @TempDir
    Path dir;

    static ResultsSchema allTypesSchema() {
        return ResultsSchema.builder()
                .condition("layer", ColumnType.INT32)
                .condition("scale", ColumnType.DOUBLE)
                .condition("direction", ColumnType.STRING)
                .metric("logit_diff")
                .metric("kl")
                .baseline("clean_logit_diff")
                .extra("token_count", ColumnType.INT64)
                .extra("correct", ColumnType.BOOLEAN)
                .build();
    }

    @Test
    void duckDbReadsBackEveryValueAndType() throws Exception {
        ResultsTable table = new ResultsTable(allTypesSchema());
        table.newRow().exampleId("ex-1").seed(0).group("ioi")
                .set("layer", 3).set("scale", 0.5).set("direction", "résumé → 数学 🙂")
                .set("logit_diff", 1.25).set("kl", Double.NaN).set("clean_logit_diff", -2.5)
                .set("token_count", 5_000_000_000L).set("correct", true)
                .append();
        table.newRow().exampleId("ex-2 \"quoted\"").seed(-7).group("")
                .set("layer", Integer.MIN_VALUE).set("scale", Double.NEGATIVE_INFINITY)
                .set("logit_diff", -0.0).set("kl", 1e-300).set("clean_logit_diff", null)
                .set("token_count", Long.MIN_VALUE).set("correct", false)
                .append();
        Path file = dir.resolve("results.parquet");
        ParquetResultsWriter.write(table, file);

        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             Statement s = c.createStatement()) {
            Map<String, String> types = new LinkedHashMap<>();
            try (ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM read_parquet('" + file + "')")) {
                while (rs.next()) {
                    types.put(rs.getString("column_name"), rs.getString("column_type"));
                }
            }
            Map<String, String> expected = new LinkedHashMap<>();
            expected.put("example_id", "VARCHAR");
            expected.put("seed", "INTEGER");
            expected.put("group", "VARCHAR");
            expected.put("layer", "INTEGER");
            expected.put("scale", "DOUBLE");
            expected.put("direction", "VARCHAR");
            expected.put("logit_diff", "DOUBLE");
            expected.put("kl", "DOUBLE");
            expected.put("clean_logit_diff", "DOUBLE");
            expected.put("token_count", "BIGINT");
            expected.put("correct", "BOOLEAN");
            assertEquals(expected, types);

            List<List<Object>> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT * FROM read_parquet('" + file + "')")) {
                while (rs.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int i = 1; i <= expected.size(); i++) {
                        row.add(rs.getObject(i));
                    }
                    rows.add(row);
                }
            }
            assertEquals(2, rows.size());
            List<Object> r1 = rows.get(0);
            assertEquals("ex-1", r1.get(0));
            assertEquals(0, r1.get(1));
            assertEquals("ioi", r1.get(2));
            assertEquals(3, r1.get(3));
            assertEquals(0.5, r1.get(4));
            assertEquals("résumé → 数学 🙂", r1.get(5));
            assertEquals(1.25, r1.get(6));
            assertTrue(Double.isNaN((Double) r1.get(7)), "NaN must survive as NaN, not null");
            assertEquals(-2.5, r1.get(8));
            assertEquals(5_000_000_000L, r1.get(9));
            assertEquals(true, r1.get(10));

            List<Object> r2 = rows.get(1);
            assertEquals("ex-2 \"quoted\"", r2.get(0));
            assertEquals(-7, r2.get(1));
            assertEquals("", r2.get(2));
            assertEquals(Integer.MIN_VALUE, r2.get(3));
            assertEquals(Double.NEGATIVE_INFINITY, r2.get(4));
            assertNull(r2.get(5), "unset string column is null");
            assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits((Double) r2.get(6)));
            assertEquals(1e-300, r2.get(7));
            assertNull(r2.get(8), "explicit null double is null, not NaN");
            assertEquals(Long.MIN_VALUE, r2.get(9));
            assertEquals(false, r2.get(10));

            // NaN and null really are distinct to a SQL reader.
            try (ResultSet rs = s.executeQuery("SELECT count(*) FILTER (WHERE isnan(kl)), "
                    + "count(*) FILTER (WHERE clean_logit_diff IS NULL) FROM read_parquet('" + file + "')")) {
                rs.next();
                assertEquals(1, rs.getInt(1));
                assertEquals(1, rs.getInt(2));
            }
        }
        try (var listing = java.nio.file.Files.list(dir)) {
            assertEquals(List.of(file), listing.toList(), "no temporary file may be left behind");
        }
    }

    @Test
    void emptyTableIsAValidFileWithColumns() throws Exception {
        Path file = dir.resolve("results.parquet");
        ParquetResultsWriter.write(new ResultsTable(allTypesSchema()), file);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM read_parquet('" + file + "')")) {
            rs.next();
            assertEquals(0, rs.getLong(1));
        }
        assertFalse(java.nio.file.Files.size(file) == 0);
    }
}

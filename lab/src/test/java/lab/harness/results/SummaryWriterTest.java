package lab.harness.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SummaryWriterTest {

    @TempDir
    Path dir;

    @Test
    void writesJsonWithNullsForUndefinedStatistics() throws Exception {
        Summary summary = SeedLevelSummarizer.summarize(SeedLevelSummarizerTest.handTable());
        SummaryWriter.write(summary, dir);
        JsonNode root = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());

        assertEquals(0.95, root.get("confidence_level").asDouble());
        assertEquals("seed", root.get("n_unit").asText());
        assertTrue(root.get("definition").asText().contains("Student-t"));
        assertEquals(List.of("layer", "direction"),
                List.of(root.get("condition_columns").get(0).asText(), root.get("condition_columns").get(1).asText()));
        JsonNode rows = root.get("rows");
        assertEquals(4, rows.size());
        JsonNode first = rows.get(0);
        assertEquals(0, first.get("condition").get("layer").asInt());
        assertTrue(first.get("condition").get("layer").isInt());
        assertEquals("up", first.get("condition").get("direction").asText());
        assertEquals("logit_diff", first.get("metric").asText());
        assertEquals(5.0, first.get("mean").asDouble(), 1e-12);
        assertEquals(3, first.get("n_seeds").asInt());
        assertEquals(5.0 + SeedLevelSummarizerTest.T_975_2 * Math.sqrt(13.0 / 3.0),
                first.get("ci_high").asDouble(), 1e-9);
        JsonNode oneSeed = rows.get(2);
        assertTrue(oneSeed.get("std").isNull());
        assertTrue(oneSeed.get("ci_low").isNull());
        assertTrue(oneSeed.get("ci_high").isNull());
        assertTrue(rows.get(3).get("mean").isNull());
        assertEquals(4, root.get("notes").size(), "one seed, no value at all, and the undefined logit_diff and kl values");
    }

    @Test
    void csvIsReadableByDuckDbWithEmptyCellsForUndefinedValues() throws Exception {
        Summary summary = SeedLevelSummarizer.summarize(SeedLevelSummarizerTest.handTable());
        SummaryWriter.write(summary, dir);
        Path csv = dir.resolve("summary.csv");
        List<String> lines = Files.readAllLines(csv);
        assertEquals("layer,direction,metric,mean,std,n_seeds,n_examples,ci_low,ci_high", lines.get(0));
        assertEquals("1,down,logit_diff,15.0,,1,2,,", lines.get(3));
        assertEquals("1,down,kl,,,0,0,,", lines.get(4));

        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT layer, direction, metric, mean, std, n_seeds, ci_low "
                     + "FROM read_csv('" + csv + "', header = true) ORDER BY layer, metric DESC")) {
            assertTrue(rs.next());
            assertEquals(0, rs.getInt(1));
            assertEquals("up", rs.getString(2));
            assertEquals("logit_diff", rs.getString(3));
            assertEquals(5.0, rs.getDouble(4), 1e-12);
            assertEquals(Math.sqrt(13), rs.getDouble(5), 1e-12);
            assertEquals(3, rs.getInt(6));
            assertTrue(rs.next());
            assertTrue(rs.next());
            assertEquals("logit_diff", rs.getString(3));
            assertEquals(15.0, rs.getDouble(4), 1e-12);
            rs.getDouble(7);
            assertTrue(rs.wasNull(), "undefined CI must read as SQL NULL");
        }
        try (var listing = Files.list(dir)) {
            assertEquals(2, listing.count(), "only summary.json and summary.csv, no temp files");
        }
    }

    @Test
    void csvQuotesCellsThatNeedIt() {
        ResultsSchema schema = ResultsSchema.builder().condition("direction", ColumnType.STRING).metric("kl").build();
        ResultsTable t = new ResultsTable(schema);
        t.newRow().exampleId("a").seed(0).group("g").set("direction", "say \"hi\", then go").set("kl", 1.5).append();
        String csv = SummaryWriter.toCsv(SeedLevelSummarizer.summarize(t));
        assertEquals("direction,metric,mean,std,n_seeds,n_examples,ci_low,ci_high\n"
                + "\"say \"\"hi\"\", then go\",kl,1.5,,1,1,,\n", csv);
    }
}

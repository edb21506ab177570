package lab.harness.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultsSchemaTest {

    @Test
    void identityColumnsComeFirstAndRolesAreKept() {
        ResultsSchema s = ResultsSchema.builder()
                .condition("layer", ColumnType.INT32).metric("kl").baseline("clean_logit_diff")
                .extra("correct", ColumnType.BOOLEAN).build();
        assertEquals(List.of("example_id", "seed", "group", "layer", "kl", "clean_logit_diff", "correct"), s.names());
        assertEquals(List.of("layer"), s.conditionNames());
        assertEquals(List.of("kl", "clean_logit_diff"), s.summarisedNames());
        assertEquals(s, ParquetSchemas.fromJson(ParquetSchemas.toJson(s)));
    }

    @Test
    void rejectsBadDeclarations() {
        assertThrows(IllegalArgumentException.class, () -> ResultsSchema.builder().metric("Logit Diff"));
        assertThrows(IllegalArgumentException.class,
                () -> ResultsSchema.builder().metric("kl").condition("kl", ColumnType.INT32).build());
        assertThrows(IllegalArgumentException.class, () -> ResultsSchema.builder()
                .add(new ColumnSpec("acc", ColumnType.BOOLEAN, ColumnRole.METRIC)).build());
        assertThrows(IllegalArgumentException.class, () -> ResultsSchema.of(List.of(
                new ColumnSpec("example_id", ColumnType.STRING, ColumnRole.IDENTITY))));
    }

    @Test
    void rowsAreTypeCheckedWithOnlyLosslessWidening() {
        ResultsSchema s = ResultsSchema.builder()
                .condition("layer", ColumnType.INT32).condition("tokens", ColumnType.INT64).metric("kl").build();
        ResultsTable t = new ResultsTable(s);
        ResultRow r = t.newRow().exampleId("a").seed(1).group("g").set("tokens", 3).set("kl", 2).append();
        assertEquals(3L, r.get("tokens"));
        assertEquals(2.0, r.get("kl"));
        assertThrows(IllegalArgumentException.class,
                () -> t.newRow().exampleId("a").seed(1).group("g").set("layer", 1.5).build());
        assertThrows(IllegalArgumentException.class,
                () -> t.newRow().exampleId("a").seed(1).group("g").set("kl", "0.3").build());
        assertThrows(IllegalArgumentException.class,
                () -> t.newRow().exampleId("a").seed(1).group("g").set("kl", (1L << 53) + 1).build());
        assertThrows(IllegalArgumentException.class, () -> t.newRow().set("kll", 1.0));
        assertThrows(IllegalArgumentException.class, () -> t.newRow().seed(1).group("g").build()); // no example_id
        assertThrows(IllegalArgumentException.class, () -> t.append(Map.of("example_id", "a", "group", "g")));
        assertEquals(1, t.rowCount());
    }
}

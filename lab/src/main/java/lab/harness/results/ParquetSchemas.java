package lab.harness.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * Maps a {@link ResultsSchema} to a flat Parquet message type, and carries the column roles
 * (which Parquet has no notion of) in the file's key-value metadata so a reader can recover the
 * full schema from the file alone.
 *
 * <p>Only plain, widely supported encodings: INT32/INT64/DOUBLE/BOOLEAN primitives and BINARY with
 * the STRING logical annotation, so DuckDB, pyarrow/pandas and polars read the columns as
 * int32/int64/double/bool/string. Identity columns are REQUIRED (they are never null); all others
 * are OPTIONAL so a missing value is a real null, distinct from a NaN metric.
 */
public final class ParquetSchemas {

    /** Key-value metadata key holding the schema (names, types, roles) as JSON. */
    public static final String METADATA_KEY = "lab.results.schema";
    static final String MESSAGE_NAME = "results";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ParquetSchemas() {
    }

    public static MessageType toParquet(ResultsSchema schema) {
        Types.MessageTypeBuilder message = Types.buildMessage();
        for (ColumnSpec column : schema.columns()) {
            Type.Repetition repetition =
                    column.role() == ColumnRole.IDENTITY ? Type.Repetition.REQUIRED : Type.Repetition.OPTIONAL;
            message.addField(primitive(column, repetition));
        }
        return message.named(MESSAGE_NAME);
    }

    private static Type primitive(ColumnSpec column, Type.Repetition repetition) {
        return switch (column.type()) {
            case INT32 -> Types.primitive(PrimitiveTypeName.INT32, repetition).named(column.name());
            case INT64 -> Types.primitive(PrimitiveTypeName.INT64, repetition).named(column.name());
            case DOUBLE -> Types.primitive(PrimitiveTypeName.DOUBLE, repetition).named(column.name());
            case BOOLEAN -> Types.primitive(PrimitiveTypeName.BOOLEAN, repetition).named(column.name());
            case STRING -> Types.primitive(PrimitiveTypeName.BINARY, repetition)
                    .as(LogicalTypeAnnotation.stringType())
                    .named(column.name());
        };
    }

    /** The schema as JSON: a list of {name, type, role} objects in column order. */
    public static String toJson(ResultsSchema schema) {
        List<Map<String, String>> columns = new ArrayList<>();
        for (ColumnSpec c : schema.columns()) {
            columns.add(Map.of("name", c.name(), "type", c.type().name(), "role", c.role().name()));
        }
        try {
            return JSON.writeValueAsString(columns);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise schema", e);
        }
    }

    /** Inverse of {@link #toJson}. */
    public static ResultsSchema fromJson(String json) {
        try {
            List<Map<String, String>> columns = JSON.readValue(json, new TypeReference<>() {});
            List<ColumnSpec> specs = new ArrayList<>();
            for (Map<String, String> c : columns) {
                specs.add(new ColumnSpec(
                        c.get("name"), ColumnType.valueOf(c.get("type")), ColumnRole.valueOf(c.get("role"))));
            }
            return ResultsSchema.of(specs);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed " + METADATA_KEY + " metadata: " + json, e);
        }
    }
}

package lab.harness.results;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One immutable, schema-checked row. Values are the boxed types of {@link ColumnType#javaType()};
 * any column may be null except the identity columns.
 */
public final class ResultRow {

    private final ResultsSchema schema;
    private final Object[] values;

    /**
     * Validates and copies {@code values} (one per schema column, in schema order).
     *
     * @throws IllegalArgumentException on a wrong count, a wrong type or a null identity value
     */
    public ResultRow(ResultsSchema schema, Object[] values) {
        this.schema = Objects.requireNonNull(schema, "schema");
        if (values.length != schema.size()) {
            throw new IllegalArgumentException(
                    "row has " + values.length + " values, schema has " + schema.size() + " columns");
        }
        Object[] copy = new Object[values.length];
        for (int i = 0; i < values.length; i++) {
            ColumnSpec column = schema.column(i);
            if (values[i] == null && column.role() == ColumnRole.IDENTITY) {
                throw new IllegalArgumentException("identity column '" + column.name() + "' must not be null");
            }
            try {
                copy[i] = column.type().coerce(values[i]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("column '" + column.name() + "': " + e.getMessage(), e);
            }
        }
        this.values = copy;
    }

    public ResultsSchema schema() {
        return schema;
    }

    /** The value at a schema position; null when the column was not set. */
    public Object get(int index) {
        return values[index];
    }

    public Object get(String column) {
        return values[schema.indexOf(column)];
    }

    /** A DOUBLE column's value, with null read as NaN (the summary treats both as "no value"). */
    public double getDouble(String column) {
        Object v = get(column);
        return v == null ? Double.NaN : (Double) v;
    }

    public String exampleId() {
        return (String) get(ResultsSchema.EXAMPLE_ID);
    }

    public int seed() {
        return (Integer) get(ResultsSchema.SEED);
    }

    public String group() {
        return (String) get(ResultsSchema.GROUP);
    }

    /** Column name to value, in schema order; handy for logging and tests. */
    public Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            map.put(schema.column(i).name(), values[i]);
        }
        return map;
    }

    @Override
    public boolean equals(Object o) {
        // Arrays.equals compares Doubles with Double.equals, so NaN equals NaN here, as wanted for rows.
        return o instanceof ResultRow other && schema.equals(other.schema) && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        return 31 * schema.hashCode() + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return asMap().toString();
    }
}

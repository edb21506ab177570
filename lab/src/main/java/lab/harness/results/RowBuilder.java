package lab.harness.results;

import java.util.Objects;

/**
 * Fills one row by column name, then appends it to its table. Unset columns stay null; a name that
 * the schema does not declare fails at once, so a misspelt metric cannot silently vanish.
 */
public final class RowBuilder {

    private final ResultsTable table;
    private final Object[] values;

    RowBuilder(ResultsTable table) {
        this.table = Objects.requireNonNull(table, "table");
        this.values = new Object[table.schema().size()];
    }

    /** Sets a column; the value is type-checked when the row is built. */
    public RowBuilder set(String column, Object value) {
        values[table.schema().indexOf(column)] = value;
        return this;
    }

    public RowBuilder exampleId(String exampleId) {
        return set(ResultsSchema.EXAMPLE_ID, exampleId);
    }

    public RowBuilder seed(int seed) {
        return set(ResultsSchema.SEED, seed);
    }

    public RowBuilder group(String group) {
        return set(ResultsSchema.GROUP, group);
    }

    /** Validates the values without appending. */
    public ResultRow build() {
        return new ResultRow(table.schema(), values);
    }

    /** Validates the values and appends the row to the table. */
    public ResultRow append() {
        ResultRow row = build();
        table.append(row);
        return row;
    }
}

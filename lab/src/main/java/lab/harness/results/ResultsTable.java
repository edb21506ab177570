package lab.harness.results;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The rows of one run (one per example x condition x seed), held in memory in append order.
 *
 * <p>Thread-safe: the experiment loop appends while a shutdown hook (Ctrl+C) may take a
 * {@link #rows() snapshot} to flush what has finished; a snapshot is a copy, so writing it never
 * races with later appends.
 */
public final class ResultsTable {

    private final ResultsSchema schema;
    private final List<ResultRow> rows = new ArrayList<>();

    public ResultsTable(ResultsSchema schema) {
        this.schema = Objects.requireNonNull(schema, "schema");
    }

    public ResultsSchema schema() {
        return schema;
    }

    /** Starts a row to fill by column name; {@link RowBuilder#append()} adds it here. */
    public RowBuilder newRow() {
        return new RowBuilder(this);
    }

    /** Appends a row built against the same schema. */
    public synchronized void append(ResultRow row) {
        if (!row.schema().equals(schema)) {
            throw new IllegalArgumentException("row schema differs from table schema");
        }
        rows.add(row);
    }

    /** Appends a row given as column name to value; absent columns are null. */
    public ResultRow append(Map<String, ?> values) {
        RowBuilder builder = newRow();
        values.forEach(builder::set);
        return builder.append();
    }

    public synchronized int rowCount() {
        return rows.size();
    }

    /** A copy of the rows appended so far, in append order. */
    public synchronized List<ResultRow> rows() {
        return List.copyOf(rows);
    }
}

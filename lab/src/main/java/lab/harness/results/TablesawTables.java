package lab.harness.results;

import java.util.List;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * Copies results rows into a Tablesaw {@link Table} (one typed column per schema column) for
 * grouping and aggregation.
 *
 * <p>Note Tablesaw's missing-value conventions: a null DOUBLE and a NaN DOUBLE both become
 * Tablesaw's missing value (NaN), which its aggregations skip; that is exactly the "no value for
 * this example" meaning the summary wants. Null INT32/INT64/STRING/BOOLEAN values become
 * Tablesaw's missing markers for those types.
 */
final class TablesawTables {

    private TablesawTables() {
    }

    /**
     * The Tablesaw name of a results column. Prefixed because Tablesaw's column names are
     * case-insensitive and its multi-key grouping adds an internal column called "Group", which
     * would clash with our identity column "group".
     */
    static String name(String column) {
        return "v_" + column;
    }

    static Table toTable(ResultsSchema schema, List<ResultRow> rows) {
        Table table = Table.create("results");
        for (int c = 0; c < schema.size(); c++) {
            table.addColumns(column(schema.column(c), rows, c));
        }
        return table;
    }

    private static Column<?> column(ColumnSpec spec, List<ResultRow> rows, int index) {
        String name = name(spec.name());
        switch (spec.type()) {
            case INT32: {
                IntColumn col = IntColumn.create(name);
                for (ResultRow row : rows) {
                    Object v = row.get(index);
                    if (v == null) {
                        col.appendMissing();
                    } else {
                        col.append((Integer) v);
                    }
                }
                return col;
            }
            case INT64: {
                LongColumn col = LongColumn.create(name);
                for (ResultRow row : rows) {
                    Object v = row.get(index);
                    if (v == null) {
                        col.appendMissing();
                    } else {
                        col.append((Long) v);
                    }
                }
                return col;
            }
            case DOUBLE: {
                DoubleColumn col = DoubleColumn.create(name);
                for (ResultRow row : rows) {
                    Object v = row.get(index);
                    col.append(v == null ? Double.NaN : (Double) v);
                }
                return col;
            }
            case BOOLEAN: {
                BooleanColumn col = BooleanColumn.create(name);
                for (ResultRow row : rows) {
                    Object v = row.get(index);
                    if (v == null) {
                        col.appendMissing();
                    } else {
                        col.append((Boolean) v);
                    }
                }
                return col;
            }
            case STRING: {
                StringColumn col = StringColumn.create(name);
                for (ResultRow row : rows) {
                    Object v = row.get(index);
                    if (v == null) {
                        col.appendMissing();
                    } else {
                        col.append((String) v);
                    }
                }
                return col;
            }
            default:
                throw new IllegalStateException("unhandled type " + spec.type());
        }
    }

    /**
     * A text copy of a double column, same name, using Double.toString (shortest decimal that
     * parses back to the identical double), NaN becoming missing. Tablesaw can group by text but
     * not by doubles.
     */
    static StringColumn doubleAsExactText(DoubleColumn column) {
        StringColumn text = StringColumn.create(column.name());
        for (int i = 0; i < column.size(); i++) {
            double v = column.getDouble(i);
            if (Double.isNaN(v)) {
                text.appendMissing();
            } else {
                text.append(Double.toString(v));
            }
        }
        return text;
    }

    /** A cell as a plain Java value, with Tablesaw's missing markers turned back into null. */
    static Object valueOrNull(Column<?> column, int row) {
        return column.isMissing(row) ? null : column.get(row);
    }
}

package lab.harness.results;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One declared column: its name, value type and role.
 *
 * <p>Names are restricted to lower-case snake case so that they are valid, unquoted identifiers
 * in SQL (DuckDB), pandas attribute access and Parquet column paths alike.
 */
public record ColumnSpec(String name, ColumnType type, ColumnRole role) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

    public ColumnSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(role, "role");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "column name '" + name + "' must be lower snake case ([a-z][a-z0-9_]*)");
        }
    }

    /** Metrics and baselines are summarised numerically, so they may only be DOUBLE. */
    public boolean isSummarised() {
        return role == ColumnRole.METRIC || role == ColumnRole.BASELINE;
    }
}

package lab.harness.results;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The typed, ordered column layout of a results table, declared before the first row is appended
 * so that every row, the Parquet file and the summary agree on names and types.
 *
 * <p>Every schema starts with the three identity columns {@value #EXAMPLE_ID} (STRING),
 * {@value #SEED} (INT32) and {@value #GROUP} (STRING); experiments add their condition, metric,
 * baseline and extra columns after them.
 */
public final class ResultsSchema {

    public static final String EXAMPLE_ID = "example_id";
    public static final String SEED = "seed";
    public static final String GROUP = "group";

    private final List<ColumnSpec> columns;
    private final Map<String, Integer> indexByName;

    private ResultsSchema(List<ColumnSpec> columns) {
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            ColumnSpec c = columns.get(i);
            if (index.putIfAbsent(c.name(), i) != null) {
                throw new IllegalArgumentException("duplicate column '" + c.name() + "'");
            }
            if (c.isSummarised() && c.type() != ColumnType.DOUBLE) {
                throw new IllegalArgumentException(
                        c.role() + " column '" + c.name() + "' must be DOUBLE, not " + c.type());
            }
        }
        requireIdentity(columns, index, EXAMPLE_ID, ColumnType.STRING);
        requireIdentity(columns, index, SEED, ColumnType.INT32);
        requireIdentity(columns, index, GROUP, ColumnType.STRING);
        this.columns = List.copyOf(columns);
        this.indexByName = Collections.unmodifiableMap(index);
    }

    private static void requireIdentity(
            List<ColumnSpec> columns, Map<String, Integer> index, String name, ColumnType type) {
        Integer i = index.get(name);
        if (i == null) {
            throw new IllegalArgumentException("missing identity column '" + name + "'");
        }
        ColumnSpec c = columns.get(i);
        if (c.type() != type || c.role() != ColumnRole.IDENTITY) {
            throw new IllegalArgumentException(
                    "identity column '" + name + "' must be IDENTITY " + type + ", was " + c);
        }
    }

    /** A builder already holding the identity columns example_id, seed and group. */
    public static Builder builder() {
        return new Builder();
    }

    /** A schema from an explicit column list (e.g. read back from a file); validated the same way. */
    public static ResultsSchema of(List<ColumnSpec> columns) {
        return new ResultsSchema(new ArrayList<>(columns));
    }

    public List<ColumnSpec> columns() {
        return columns;
    }

    public int size() {
        return columns.size();
    }

    public ColumnSpec column(int index) {
        return columns.get(index);
    }

    /** Position of the named column. @throws IllegalArgumentException if there is no such column */
    public int indexOf(String name) {
        Integer i = indexByName.get(name);
        if (i == null) {
            throw new IllegalArgumentException("no column '" + name + "' in " + names());
        }
        return i;
    }

    public Optional<ColumnSpec> find(String name) {
        Integer i = indexByName.get(name);
        return i == null ? Optional.empty() : Optional.of(columns.get(i));
    }

    public List<String> names() {
        return List.copyOf(indexByName.keySet());
    }

    public List<ColumnSpec> withRole(ColumnRole role) {
        return columns.stream().filter(c -> c.role() == role).toList();
    }

    /** Names of the condition columns, in declaration order: the keys of the summary. */
    public List<String> conditionNames() {
        return withRole(ColumnRole.CONDITION).stream().map(ColumnSpec::name).toList();
    }

    /** Names of the metric and baseline columns, in declaration order: what the summary averages. */
    public List<String> summarisedNames() {
        return columns.stream().filter(ColumnSpec::isSummarised).map(ColumnSpec::name).toList();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResultsSchema other && columns.equals(other.columns);
    }

    @Override
    public int hashCode() {
        return columns.hashCode();
    }

    @Override
    public String toString() {
        return "ResultsSchema" + columns;
    }

    /** Collects columns in order; {@link #build()} validates names, types and identity columns. */
    public static final class Builder {
        private final List<ColumnSpec> columns = new ArrayList<>();

        private Builder() {
            columns.add(new ColumnSpec(EXAMPLE_ID, ColumnType.STRING, ColumnRole.IDENTITY));
            columns.add(new ColumnSpec(SEED, ColumnType.INT32, ColumnRole.IDENTITY));
            columns.add(new ColumnSpec(GROUP, ColumnType.STRING, ColumnRole.IDENTITY));
        }

        /** A condition column (the intervention's parameters): layer INT32, scale DOUBLE, ... */
        public Builder condition(String name, ColumnType type) {
            return add(new ColumnSpec(name, type, ColumnRole.CONDITION));
        }

        /** A DOUBLE metric column; NaN marks an undefined value for that row. */
        public Builder metric(String name) {
            return add(new ColumnSpec(name, ColumnType.DOUBLE, ColumnRole.METRIC));
        }

        /** A DOUBLE baseline column (the un-intervened reference value). */
        public Builder baseline(String name) {
            return add(new ColumnSpec(name, ColumnType.DOUBLE, ColumnRole.BASELINE));
        }

        /** A kept-but-not-summarised column of any type (predicted token, correctness flag ...). */
        public Builder extra(String name, ColumnType type) {
            return add(new ColumnSpec(name, type, ColumnRole.EXTRA));
        }

        public Builder add(ColumnSpec column) {
            columns.add(column);
            return this;
        }

        public ResultsSchema build() {
            return new ResultsSchema(columns);
        }
    }
}

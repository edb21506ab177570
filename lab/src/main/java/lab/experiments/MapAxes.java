package lab.experiments;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Condition columns whose results form a 2-D map (rows by columns, e.g. layer by head); the
 * other condition columns ({@code facets}) each give a separate map per value (e.g. per scale).
 *
 * <p>An axis is one condition column, or several read together as one composite label (e.g.
 * {@code layer_a} and {@code head_a} as "1.2", a head). A {@code symmetric} map has the same
 * labels on both axes and draws each condition in cell (row, column) and (column, row): the
 * head x head matrix of unordered head pairs.
 *
 * @param rowParts the condition column(s) of the rows
 * @param columnParts the condition column(s) of the columns
 * @param only conditions a row must have to be drawn (column to value, compared as text), e.g.
 *     component = head when other components share the table; empty: every row
 * @param labels per axis (its name, see {@link #rows()}), the label to show for a value (compared
 *     as text), e.g. a position's token; values without one show as themselves
 * @param changeMaps whether a metric's change from its clean baseline (e.g. logit_diff minus
 *     clean_logit_diff) is worth a map too; not when the metric is a share of the clean value
 */
public record MapAxes(List<String> rowParts, List<String> columnParts, List<String> facets, boolean symmetric,
                      Map<String, String> only, Map<String, Map<String, String>> labels, boolean changeMaps) {

    public MapAxes {
        rowParts = List.copyOf(rowParts);
        columnParts = List.copyOf(columnParts);
        facets = List.copyOf(facets);
        only = Map.copyOf(only);
        labels = Map.copyOf(labels);
        if (rowParts.isEmpty() || columnParts.isEmpty()) {
            throw new IllegalArgumentException("a map axis needs at least one condition column");
        }
        if (symmetric && rowParts.size() != columnParts.size()) {
            throw new IllegalArgumentException("a symmetric map needs axes of the same kind: " + rowParts + " vs " + columnParts);
        }
    }

    /** One condition column per axis. */
    public MapAxes(String rows, String columns, List<String> facets) {
        this(List.of(rows), List.of(columns), facets, false, Map.of(), Map.of(), true);
    }

    /** This map drawn from the rows whose {@code column} is {@code value} only. */
    public MapAxes onlyWhere(String column, Object value) {
        Map<String, String> more = new LinkedHashMap<>(only);
        more.put(column, String.valueOf(value));
        return new MapAxes(rowParts, columnParts, facets, symmetric, more, labels, changeMaps);
    }

    /** This map with the values of axis {@code axis} shown by the given labels (value as text to label). */
    public MapAxes labelled(String axis, Map<String, String> valueLabels) {
        Map<String, Map<String, String>> more = new LinkedHashMap<>(labels);
        more.put(axis, Map.copyOf(valueLabels));
        return new MapAxes(rowParts, columnParts, facets, symmetric, only, more, changeMaps);
    }

    /** This map without the change-from-clean maps. */
    public MapAxes withoutChangeMaps() {
        return new MapAxes(rowParts, columnParts, facets, symmetric, only, labels, false);
    }

    /** Whether a summary row with this condition belongs on the map. */
    public boolean includes(Map<String, Object> condition) {
        return only.entrySet().stream().allMatch(e -> e.getValue().equals(String.valueOf(condition.get(e.getKey()))));
    }

    /** The label of {@code value} on the axis named {@code axis}. */
    public String label(String axis, Object value) {
        return labels.getOrDefault(axis, Map.of()).getOrDefault(String.valueOf(value), String.valueOf(value));
    }

    /** A square map of composite labels, each unordered pair drawn both ways (see the class comment). */
    public static MapAxes symmetric(List<String> rowParts, List<String> columnParts, List<String> facets) {
        return new MapAxes(rowParts, columnParts, facets, true, Map.of(), Map.of(), true);
    }

    /** The rows' name: the column, or the composite's columns joined by "." (e.g. {@code layer_a.head_a}). */
    public String rows() {
        return String.join(".", rowParts);
    }

    /** The columns' name, as {@link #rows()}. */
    public String columns() {
        return String.join(".", columnParts);
    }

    /** The row a condition falls in: its value of the row column, or a {@link Label} of several; null if it has none. */
    public Object rowKey(Map<String, Object> condition) {
        return key(rowParts, condition);
    }

    /** The column a condition falls in, as {@link #rowKey}. */
    public Object columnKey(Map<String, Object> condition) {
        return key(columnParts, condition);
    }

    private static Object key(List<String> parts, Map<String, Object> condition) {
        if (parts.size() == 1) {
            return condition.get(parts.get(0));
        }
        List<Object> values = new ArrayList<>();
        for (String part : parts) {
            Object v = condition.get(part);
            if (v == null) {
                return null;
            }
            values.add(v);
        }
        return new Label(values);
    }

    /** A composite axis value, ordered part by part and written with "." between parts (e.g. "1.2"). */
    public record Label(List<Object> parts) implements Comparable<Label> {

        public Label {
            parts = List.copyOf(parts);
        }

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public int compareTo(Label other) {
            for (int i = 0; i < Math.min(parts.size(), other.parts.size()); i++) {
                int c = ((Comparable) parts.get(i)).compareTo(other.parts.get(i));
                if (c != 0) {
                    return c;
                }
            }
            return Integer.compare(parts.size(), other.parts.size());
        }

        @Override
        public String toString() {
            return parts.stream().map(String::valueOf).collect(Collectors.joining("."));
        }
    }
}

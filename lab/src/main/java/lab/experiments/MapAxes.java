package lab.experiments;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Two condition columns whose results form a 2-D map (rows by columns, e.g. layer by head); the
 * other condition columns ({@code facets}) each give a separate map per value (e.g. per scale).
 *
 * @param only conditions a row must have to be drawn (column to value, compared as text), e.g.
 *     component = head when other components share the table; empty: every row
 * @param labels per axis column, the label to show for a value (compared as text), e.g. a
 *     position's token; values without one show as themselves
 * @param changeMaps whether a metric's change from its clean baseline (e.g. logit_diff minus
 *     clean_logit_diff) is worth a map too; not when the metric is a share of the clean value
 */
public record MapAxes(String rows, String columns, List<String> facets, Map<String, String> only,
                      Map<String, Map<String, String>> labels, boolean changeMaps) {

    public MapAxes {
        facets = List.copyOf(facets);
        only = Map.copyOf(only);
        labels = Map.copyOf(labels);
    }

    public MapAxes(String rows, String columns, List<String> facets) {
        this(rows, columns, facets, Map.of(), Map.of(), true);
    }

    /** This map drawn from the rows whose {@code column} is {@code value} only. */
    public MapAxes onlyWhere(String column, Object value) {
        Map<String, String> more = new LinkedHashMap<>(only);
        more.put(column, String.valueOf(value));
        return new MapAxes(rows, columns, facets, more, labels, changeMaps);
    }

    /** This map with {@code column}'s values shown by the given labels (value as text to label). */
    public MapAxes labelled(String column, Map<String, String> valueLabels) {
        Map<String, Map<String, String>> more = new LinkedHashMap<>(labels);
        more.put(column, Map.copyOf(valueLabels));
        return new MapAxes(rows, columns, facets, only, more, changeMaps);
    }

    /** This map without the change-from-clean maps. */
    public MapAxes withoutChangeMaps() {
        return new MapAxes(rows, columns, facets, only, labels, false);
    }

    /** Whether a summary row with this condition belongs on the map. */
    public boolean includes(Map<String, Object> condition) {
        return only.entrySet().stream().allMatch(e -> e.getValue().equals(String.valueOf(condition.get(e.getKey()))));
    }

    /** The label of {@code value} on the {@code column} axis. */
    public String label(String column, Object value) {
        return labels.getOrDefault(column, Map.of()).getOrDefault(String.valueOf(value), String.valueOf(value));
    }
}

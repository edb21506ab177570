package lab.experiments;

import java.util.List;

/**
 * Two condition columns whose results form a 2-D map (rows by columns, e.g. layer by head); the
 * other condition columns ({@code facets}) each give a separate map per value (e.g. per scale).
 */
public record MapAxes(String rows, String columns, List<String> facets) {
}

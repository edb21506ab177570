package lab.viz;

import java.util.List;

/**
 * A reliability diagram: per confidence bin, the predictions' mean confidence against their
 * accuracy, for one or more curves (e.g. before and after temperature scaling).
 *
 * @param title what is calibrated
 * @param note how it was measured (shown beneath the title)
 * @param curves drawn in order, each in its own colour
 * @param table numbers shown beside the diagram (e.g. per condition); {@link Table#none()} for none
 */
public record ReliabilityDiagram(String title, String note, List<Curve> curves, Table table) {

    /** Rows of text under column headings, each row as long as the headings. */
    public record Table(List<String> columns, List<List<String>> rows) {

        public Table {
            columns = List.copyOf(columns);
            rows = rows.stream().map(List::copyOf).toList();
            for (List<String> row : rows) {
                if (row.size() != columns.size()) {
                    throw new IllegalArgumentException("table row " + row + " has " + row.size() + " cells for "
                            + columns.size() + " columns");
                }
            }
        }

        public static Table none() {
            return new Table(List.of(), List.of());
        }
    }

    /** A diagram without a table. */
    public ReliabilityDiagram(String title, String note, List<Curve> curves) {
        this(title, note, curves, Table.none());
    }

    /** One bin: its bounds, its number of predictions, their mean confidence and accuracy (NaN when empty). */
    public record Point(double lower, double upper, int count, double confidence, double accuracy) {
    }

    /** One curve: its label (e.g. "before"), its expected calibration error and its bins. */
    public record Curve(String label, double ece, List<Point> points) {

        public Curve {
            points = List.copyOf(points);
        }
    }

    public ReliabilityDiagram {
        curves = List.copyOf(curves);
        if (curves.isEmpty()) {
            throw new IllegalArgumentException("a reliability diagram needs at least one curve");
        }
    }
}

package lab.viz;

import java.util.List;

/**
 * A reliability diagram: per confidence bin, the predictions' mean confidence against their
 * accuracy, for one or more curves (e.g. before and after temperature scaling).
 *
 * @param title what is calibrated
 * @param note how it was measured (shown beneath the title)
 * @param curves drawn in order, each in its own colour
 */
public record ReliabilityDiagram(String title, String note, List<Curve> curves) {

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

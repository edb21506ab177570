package lab.viz;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Inline SVG scatter of the ranking metric against wall time for the HTML leaderboard, with the
 * Pareto front drawn as a line through its runs. Each point has a native {@code <title>} tooltip
 * (run, value, time), so the page needs no script.
 */
final class ParetoScatterSvg {

    private static final int WIDTH = 640;
    private static final int HEIGHT = 360;
    private static final int LEFT = 80;
    private static final int RIGHT = 20;
    private static final int TOP = 16;
    private static final int BOTTOM = 52;

    private ParetoScatterSvg() {
    }

    static String render(Leaderboard board) {
        List<LeaderboardEntry> entries = board.entries();
        if (entries.isEmpty()) {
            return "";
        }
        double minT = entries.stream().mapToDouble(board::cost).filter(Double::isFinite).min().orElse(0);
        double maxT = entries.stream().mapToDouble(board::cost).filter(Double::isFinite).max().orElse(1);
        double minM = entries.stream().mapToDouble(LeaderboardEntry::metricValue).min().orElse(0);
        double maxM = entries.stream().mapToDouble(LeaderboardEntry::metricValue).max().orElse(1);
        Scale x = new Scale(minT, maxT, LEFT, WIDTH - RIGHT);
        Scale y = new Scale(minM, maxM, HEIGHT - BOTTOM, TOP);

        StringBuilder svg = new StringBuilder();
        svg.append("<svg class=\"pareto-scatter\" role=\"img\" width=\"").append(WIDTH).append("\" height=\"")
                .append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" aria-label=\"").append(Html.escape(board.metric())).append(" against ")
                .append(Html.escape(board.paretoAgainst())).append("\">\n");
        svg.append("<rect class=\"plot-frame\" x=\"").append(LEFT).append("\" y=\"").append(TOP)
                .append("\" width=\"").append(WIDTH - LEFT - RIGHT).append("\" height=\"")
                .append(HEIGHT - TOP - BOTTOM).append("\"/>\n");
        appendAxisLabels(svg, board, x, y, minT, maxT, minM, maxM);

        // The front as a line, fastest first; it is monotone in the metric by construction.
        List<LeaderboardEntry> front = board.paretoFront().stream()
                .sorted(Comparator.comparingDouble(board::cost)).toList();
        if (front.size() > 1) {
            svg.append("<polyline class=\"front\" points=\"");
            for (LeaderboardEntry e : front) {
                svg.append(num(x.map(board.cost(e)))).append(',').append(num(y.map(e.metricValue()))).append(' ');
            }
            svg.append("\"/>\n");
        }
        for (LeaderboardEntry e : entries) {
            svg.append("<circle class=\"").append(e.paretoOptimal() ? "point pareto" : "point")
                    .append("\" cx=\"").append(num(x.map(board.cost(e))))
                    .append("\" cy=\"").append(num(y.map(e.metricValue())))
                    .append("\" r=\"").append(e.paretoOptimal() ? 6 : 4).append("\"><title>")
                    .append(Html.escape("#" + e.rank() + " " + e.run().runName() + ": " + board.metric() + " "
                            + ValueFormat.format(e.metricValue(), 5) + ", "
                            + ValueFormat.format(board.cost(e), 5) + " " + board.costUnit()
                            + (e.paretoOptimal() ? " (Pareto front)" : "")))
                    .append("</title></circle>\n");
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static void appendAxisLabels(StringBuilder svg, Leaderboard board, Scale x, Scale y,
                                         double minT, double maxT, double minM, double maxM) {
        double axisY = HEIGHT - BOTTOM;
        svg.append(label(x.map(minT), axisY + 16, "middle", ValueFormat.format(minT, 4)));
        if (maxT != minT) {
            svg.append(label(x.map(maxT), axisY + 16, "middle", ValueFormat.format(maxT, 4)));
        }
        svg.append(label((LEFT + WIDTH - RIGHT) / 2.0, axisY + 38, "middle", Html.escape(board.paretoAgainst())
                + (board.costUnit().isEmpty() ? "" : " (" + board.costUnit() + ")")));
        svg.append(label(LEFT - 6, y.map(minM) + 4, "end", ValueFormat.format(minM, 4)));
        if (maxM != minM) {
            svg.append(label(LEFT - 6, y.map(maxM) + 4, "end", ValueFormat.format(maxM, 4)));
        }
        double midY = (TOP + HEIGHT - BOTTOM) / 2.0;
        svg.append("<text x=\"16\" y=\"").append(num(midY)).append("\" text-anchor=\"middle\" transform=\"rotate(-90 16 ")
                .append(num(midY)).append(")\">").append(Html.escape(board.metric() + " ("
                        + (board.direction() == RankDirection.ASCENDING ? "lower" : "higher") + " is better)"))
                .append("</text>\n");
    }

    private static String label(double x, double y, String anchor, String text) {
        return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"" + anchor + "\">"
                + Html.escape(text) + "</text>\n";
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** Linear map from data to pixels with a 5% pad so points do not sit on the frame. */
    private record Scale(double lo, double hi, double pixelLo, double pixelHi) {
        double map(double v) {
            double span = hi - lo;
            double pad = span == 0 ? 1 : span * 0.05;
            double t = (v - (lo - pad)) / ((hi + pad) - (lo - pad));
            return pixelLo + t * (pixelHi - pixelLo);
        }
    }
}

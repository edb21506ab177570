package lab.viz;

import java.util.Locale;

/**
 * Draws a {@link ReliabilityDiagram} as inline SVG: confidence (x) against accuracy (y) on [0, 1],
 * the diagonal of perfect calibration dashed, each curve's non-empty bins as points (area by
 * count) joined in order, a legend with each curve's ECE; each point's native tooltip gives its
 * bin, count, confidence and accuracy.
 */
public final class ReliabilityDiagramSvg {

    private static final String[] COLOURS = {"#d95f02", "#1b9e77", "#7570b3", "#e7298a"};
    private static final int SIZE = 300;
    private static final int LEFT = 52;
    private static final int TOP = 12;

    private ReliabilityDiagramSvg() {
    }

    public static String render(ReliabilityDiagram d) {
        int legendTop = TOP + SIZE + 62;
        int height = legendTop + 18 * d.curves().size() + 6;
        StringBuilder svg = new StringBuilder(4096);
        svg.append("<svg class=\"reliability\" role=\"img\" width=\"").append(LEFT + SIZE + 20).append("\" height=\"")
                .append(height).append('"').append(" aria-label=\"").append(Html.escape(d.title())).append("\">\n");
        svg.append("<rect class=\"frame\" x=\"").append(LEFT).append("\" y=\"").append(TOP).append("\" width=\"").append(SIZE)
                .append("\" height=\"").append(SIZE).append("\"/>\n");
        for (int i = 0; i <= 5; i++) {
            double v = i / 5.0;
            String label = String.format(Locale.ROOT, "%.1f", v);
            svg.append("<text class=\"tick\" x=\"").append(num(x(v))).append("\" y=\"").append(TOP + SIZE + 16)
                    .append("\" text-anchor=\"middle\">").append(label).append("</text>\n");
            svg.append("<text class=\"tick\" x=\"").append(LEFT - 6).append("\" y=\"").append(num(y(v) + 4))
                    .append("\" text-anchor=\"end\">").append(label).append("</text>\n");
        }
        svg.append("<line class=\"diagonal\" x1=\"").append(num(x(0))).append("\" y1=\"").append(num(y(0))).append("\" x2=\"")
                .append(num(x(1))).append("\" y2=\"").append(num(y(1))).append("\"/>\n");
        svg.append("<text class=\"axis-name\" x=\"").append(LEFT + SIZE / 2).append("\" y=\"").append(TOP + SIZE + 34)
                .append("\" text-anchor=\"middle\">confidence (top-1 probability)</text>\n");
        svg.append("<text class=\"axis-name\" x=\"14\" y=\"").append(TOP + SIZE / 2).append("\" text-anchor=\"middle\" transform=\"rotate(-90 14 ")
                .append(TOP + SIZE / 2).append(")\">accuracy</text>\n");
        for (int c = 0; c < d.curves().size(); c++) {
            appendCurve(svg, d.curves().get(c), COLOURS[c % COLOURS.length], legendTop + 18 * c);
        }
        return svg.append("</svg>").toString();
    }

    private static void appendCurve(StringBuilder svg, ReliabilityDiagram.Curve curve, String colour, int legendY) {
        int total = curve.points().stream().mapToInt(ReliabilityDiagram.Point::count).sum();
        StringBuilder line = new StringBuilder();
        StringBuilder dots = new StringBuilder();
        for (ReliabilityDiagram.Point p : curve.points()) {
            if (p.count() == 0) {
                continue;
            }
            line.append(line.length() == 0 ? "" : " ").append(num(x(p.confidence()))).append(',').append(num(y(p.accuracy())));
            double r = 3 + 9 * Math.sqrt((double) p.count() / Math.max(1, total));
            dots.append("<circle class=\"bin\" cx=\"").append(num(x(p.confidence()))).append("\" cy=\"").append(num(y(p.accuracy())))
                    .append("\" r=\"").append(num(r)).append("\" fill=\"").append(colour).append("\"><title>")
                    .append(Html.escape(String.format(Locale.ROOT, "%s: confidence (%.3f, %.3f]: %d predictions, mean confidence %.3f,"
                            + " accuracy %.3f", curve.label(), p.lower(), p.upper(), p.count(), p.confidence(), p.accuracy())))
                    .append("</title></circle>\n");
        }
        svg.append("<polyline class=\"curve\" stroke=\"").append(colour).append("\" points=\"").append(line).append("\"/>\n").append(dots);
        svg.append("<circle cx=\"").append(LEFT + 6).append("\" cy=\"").append(legendY - 4).append("\" r=\"5\" fill=\"").append(colour)
                .append("\"/>\n<text class=\"legend\" x=\"").append(LEFT + 16).append("\" y=\"").append(legendY).append("\">")
                .append(Html.escape(curve.label() + ": ECE " + ValueFormat.format(curve.ece()))).append("</text>\n");
    }

    private static double x(double v) {
        return LEFT + v * SIZE;
    }

    private static double y(double v) {
        return TOP + (1 - v) * SIZE;
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}

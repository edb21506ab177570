package lab.viz;

import java.util.List;
import java.util.Locale;

/**
 * Draws a {@link HeatmapData} as inline SVG for the HTML report: one {@code <rect class="cell">}
 * per cell carrying its row label, column label and value as data attributes (read by the page's
 * script for the hover tooltip), a native {@code <title>} tooltip as fallback when scripts are off,
 * labelled axes and a colour bar. Colours come from the same {@link ColorScale} as the PNG.
 *
 * <p>The SVG is built on the server rather than by script so that the picture is there even with
 * scripts disabled and so that tests can count cells in the HTML.
 */
final class HeatmapSvg {

    private static final double CHAR_PX = 7;      // width of one 12px label character, roughly
    private static final double LINE_PX = 15;
    private static final int MAX_GRID_WIDTH = 800;
    private static final int MAX_GRID_HEIGHT = 480;
    private static final int BAR_GAP = 24;
    private static final int BAR_WIDTH = 14;
    private static final int GRADIENT_STOPS = 21;
    /** Maps with at most this many rows and columns get cells big enough to print their values in. */
    static final int MAX_LABELLED_CELLS = 12;

    private HeatmapSvg() {
    }

    /**
     * @param id unique within the page; names the colour bar gradient, which SVG looks up
     *           document-wide
     */
    static String render(HeatmapData data, String id) {
        ColorScale scale = ColorScale.forMap(data);
        int rows = data.rows();
        int cols = data.cols();
        boolean printValues = rows <= MAX_LABELLED_CELLS && cols <= MAX_LABELLED_CELLS;
        int cellW = printValues ? clamp(MAX_GRID_WIDTH / cols, 60, 72) : clamp(MAX_GRID_WIDTH / cols, 6, 44);
        int cellH = printValues ? clamp(MAX_GRID_HEIGHT / rows, 34, 44) : clamp(MAX_GRID_HEIGHT / rows, 6, 32);
        int gridW = cellW * cols;
        int gridH = cellH * rows;

        int longestCol = longest(data.colLabels());
        boolean slantColLabels = longestCol * CHAR_PX + 4 > cellW && longestCol > 2;
        int colStep = TickSpacing.step(cols, slantColLabels ? LINE_PX : longestCol * CHAR_PX + 8, gridW);
        int rowStep = TickSpacing.step(rows, LINE_PX, gridH);

        int left = 22 + (int) Math.ceil(longest(data.rowLabels()) * CHAR_PX) + 8;
        int top = 10;
        int colLabelDepth = slantColLabels ? (int) Math.ceil(Math.min(longestCol, 24) * CHAR_PX * 0.75) + 8 : 16;
        int bottom = colLabelDepth + 30;
        int barX = left + gridW + BAR_GAP;
        int right = BAR_GAP + BAR_WIDTH + 5 + (int) Math.ceil(barLabelWidth(scale)) + 12 + 20;
        int width = left + gridW + right;
        int height = top + Math.max(gridH, 120) + bottom;

        StringBuilder svg = new StringBuilder(256 + rows * cols * 160);
        // No xmlns: inline SVG in HTML does not need one, and the page then holds no URL at all.
        svg.append("<svg class=\"heatmap\" role=\"img\"")
                .append(" width=\"").append(width).append("\" height=\"").append(height).append('"')
                .append(" viewBox=\"0 0 ").append(width).append(' ').append(height).append('"')
                .append(attr("aria-label", data.title()))
                .append(attr("data-row-axis", data.rowAxisName()))
                .append(attr("data-col-axis", data.colAxisName()))
                .append(attr("data-value-label", data.valueLabel()))
                .append(">\n");

        appendCells(svg, data, scale, left, top, cellW, cellH);
        if (printValues) {
            appendCellValues(svg, data, scale, left, top, cellW, cellH);
        }
        svg.append("<rect class=\"frame\" x=\"").append(left).append("\" y=\"").append(top)
                .append("\" width=\"").append(gridW).append("\" height=\"").append(gridH).append("\"/>\n");
        appendRowLabels(svg, data.rowLabels(), rowStep, left, top, cellH);
        appendColLabels(svg, data.colLabels(), colStep, slantColLabels, left, top + gridH, cellW);
        svg.append(text(left + gridW / 2.0, top + gridH + colLabelDepth + 22, "axis-name", "middle", null,
                data.colAxisName()));
        double rowNameY = top + gridH / 2.0;
        svg.append(text(14, rowNameY, "axis-name", "middle",
                "rotate(-90 14 " + num(rowNameY) + ")", data.rowAxisName()));
        appendColorBar(svg, id, scale, data.valueLabel(), barX, top, Math.max(gridH, 120));
        svg.append("</svg>");
        return svg.toString();
    }

    private static void appendCells(StringBuilder svg, HeatmapData data, ColorScale scale,
                                    int left, int top, int cellW, int cellH) {
        for (int r = 0; r < data.rows(); r++) {
            String rowLabel = data.rowLabels().get(r);
            for (int c = 0; c < data.cols(); c++) {
                String colLabel = data.colLabels().get(c);
                double v = data.value(r, c);
                String shown = ValueFormat.format(v);
                svg.append("<rect class=\"cell").append(Double.isNaN(v) ? " missing" : "").append('"')
                        .append(" x=\"").append(left + c * cellW).append("\" y=\"").append(top + r * cellH)
                        .append("\" width=\"").append(cellW).append("\" height=\"").append(cellH).append('"')
                        .append(" fill=\"").append(scale.hexOf(v)).append('"')
                        .append(attr("data-row", rowLabel))
                        .append(attr("data-col", colLabel))
                        .append(" data-value=\"").append(ValueFormat.exact(v)).append('"')
                        .append(attr("data-shown", shown))
                        .append("><title>")
                        .append(Html.escape(data.rowAxisName() + " " + rowLabel + ", " + data.colAxisName()
                                + " " + colLabel + ": " + shown))
                        .append("</title></rect>\n");
            }
        }
    }

    /** Each cell's value written in it, light on dark fills; the text lets hovering pass through to the cell. */
    private static void appendCellValues(StringBuilder svg, HeatmapData data, ColorScale scale,
                                         int left, int top, int cellW, int cellH) {
        for (int r = 0; r < data.rows(); r++) {
            for (int c = 0; c < data.cols(); c++) {
                double v = data.value(r, c);
                java.awt.Color fill = scale.colorOf(v);
                boolean dark = 0.299 * fill.getRed() + 0.587 * fill.getGreen() + 0.114 * fill.getBlue() < 140;
                svg.append(text(left + (c + 0.5) * cellW, top + (r + 0.5) * cellH + 4,
                        dark ? "cell-value on-dark" : "cell-value", "middle", null, ValueFormat.format(v, 3)));
            }
        }
    }

    private static void appendRowLabels(StringBuilder svg, List<String> labels, int step,
                                        int left, int top, int cellH) {
        for (int r = 0; r < labels.size(); r += step) {
            svg.append(text(left - 6, top + (r + 0.5) * cellH + 4, "tick", "end", null, labels.get(r)));
        }
    }

    private static void appendColLabels(StringBuilder svg, List<String> labels, int step, boolean slant,
                                        int left, int gridBottom, int cellW) {
        for (int c = 0; c < labels.size(); c += step) {
            double x = left + (c + 0.5) * cellW;
            double y = gridBottom + 14;
            if (slant) {
                svg.append(text(x + 3, y - 4, "tick", "end",
                        "rotate(-50 " + num(x + 3) + " " + num(y - 4) + ")", labels.get(c)));
            } else {
                svg.append(text(x, y, "tick", "middle", null, labels.get(c)));
            }
        }
    }

    private static void appendColorBar(StringBuilder svg, String id, ColorScale scale,
                                       String valueLabel, int x, int y, int height) {
        String gradientId = id + "-scale";
        svg.append("<defs><linearGradient id=\"").append(Html.escape(gradientId))
                .append("\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">");
        for (int i = 0; i < GRADIENT_STOPS; i++) {
            double t = i / (double) (GRADIENT_STOPS - 1);
            svg.append("<stop offset=\"").append(num(t)).append("\" stop-color=\"")
                    .append(scale.hexOf(scale.low() + (scale.high() - scale.low()) * t)).append("\"/>");
        }
        svg.append("</linearGradient></defs>\n");
        svg.append("<rect class=\"colorbar\" x=\"").append(x).append("\" y=\"").append(y)
                .append("\" width=\"").append(BAR_WIDTH).append("\" height=\"").append(height)
                .append("\" fill=\"url(#").append(Html.escape(gradientId)).append(")\"/>\n");
        int labelX = x + BAR_WIDTH + 5;
        svg.append(text(labelX, y + 9, "tick", "start", null, ValueFormat.format(scale.high())));
        svg.append(text(labelX, y + height / 2.0 + 4, "tick", "start", null,
                ValueFormat.format((scale.low() + scale.high()) / 2)));
        svg.append(text(labelX, y + height, "tick", "start", null, ValueFormat.format(scale.low())));
        double nameX = labelX + barLabelWidth(scale) + 12;
        double nameY = y + height / 2.0;
        svg.append(text(nameX, nameY, "axis-name", "middle",
                "rotate(90 " + num(nameX) + " " + num(nameY) + ")", valueLabel));
    }

    private static double barLabelWidth(ColorScale scale) {
        return Math.max(ValueFormat.format(scale.low()).length(), ValueFormat.format(scale.high()).length()) * CHAR_PX;
    }

    private static String text(double x, double y, String cssClass, String anchor, String transform, String content) {
        return "<text class=\"" + cssClass + "\" x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"" + anchor + '"'
                + (transform == null ? "" : " transform=\"" + transform + '"')
                + ">" + Html.escape(content) + "</text>\n";
    }

    private static String attr(String name, String value) {
        return " " + name + "=\"" + Html.escape(value) + '"';
    }

    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static int longest(List<String> labels) {
        return labels.stream().mapToInt(String::length).max().orElse(1);
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}

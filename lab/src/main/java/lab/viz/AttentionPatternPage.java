package lab.viz;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import lab.io.AtomicFiles;

/**
 * A self-contained HTML page of attention patterns in the manner of CircuitsVis: pick a head;
 * its prompt's tokens as text and its query x key matrix as SVG cells. Hovering a token colours
 * the tokens it attends to (blue, weight beneath) and underlines those that attend to it (orange,
 * weight beneath); hovering a cell shows query, key and weight and marks both tokens.
 *
 * <p>Same rules as {@link HtmlReport}: no network, a Content Security Policy admitting only the
 * page's own script and style, all text escaped; the script reads the weights from the cells'
 * data attributes. It sets {@code data-viz-ready="<cell count>"} on {@code <body>}, and with
 * {@code #viz-selftest} it selects the last head, hovers that head's last token and first cell,
 * and records what changed in {@code data-viz-selftest}, so that {@code scripts/check-report-renders}
 * checks this page as it checks reports.
 */
public final class AttentionPatternPage {

    private static final String STYLE = Html.resource("report.css") + Html.resource("patterns.css");
    private static final String SCRIPT = Html.resource("patterns.js");
    private static final int MAX_GRID = 560;

    private AttentionPatternPage() {
    }

    public static void write(AttentionPatterns patterns, Path file) throws IOException {
        AtomicFiles.writeString(file, render(patterns));
    }

    public static String render(AttentionPatterns p) {
        StringBuilder html = new StringBuilder(16384);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append(Html.contentSecurityPolicyMeta(SCRIPT, STYLE)).append('\n')
                .append("<title>").append(Html.escape(p.title())).append(" – attention patterns</title>\n")
                .append("<style>").append(STYLE).append("</style>\n</head>\n<body>\n<header>\n<h1>")
                .append(Html.escape(p.title())).append("</h1>\n<p class=\"note\">Pick a head. Hover a token: blue, what it")
                .append(" attends to; orange underline, what attends to it; weights beneath. Hover a cell for its weight.</p>\n")
                .append("<label>Head <select id=\"head\">");
        for (AttentionPatterns.Head h : p.heads()) {
            html.append("<option value=\"").append(Html.escape(h.name())).append("\">").append(Html.escape(h.name())).append("</option>");
        }
        html.append("</select></label>\n</header>\n");
        for (int i = 0; i < p.heads().size(); i++) {
            appendHead(html, p.tokens(), p.heads().get(i), i > 0);
        }
        html.append("<div id=\"viz-tooltip\" role=\"tooltip\" hidden></div>\n<script>").append(SCRIPT)
                .append("</script>\n</body>\n</html>\n");
        return html.toString();
    }

    private static void appendHead(StringBuilder html, List<String> tokens, AttentionPatterns.Head head, boolean hidden) {
        html.append("<figure class=\"pattern\" data-head=\"").append(Html.escape(head.name())).append('"')
                .append(hidden ? " hidden" : "").append(">\n<h3>").append(Html.escape(head.name())).append("</h3>\n<div class=\"tokens\">");
        for (int i = 0; i < tokens.size(); i++) {
            html.append("<span class=\"tok\" data-i=\"").append(i).append("\"><span class=\"t\">")
                    .append(Html.escape(tokens.get(i))).append("</span><span class=\"wk\"></span><span class=\"wq\"></span></span>");
        }
        html.append("</div>\n");
        appendMatrix(html, tokens, head.weights());
        html.append("</figure>\n");
    }

    private static void appendMatrix(StringBuilder html, List<String> tokens, double[][] w) {
        int n = tokens.size();
        int cell = Math.max(6, Math.min(28, MAX_GRID / n));
        int left = 8 + 7 * Math.min(16, tokens.stream().mapToInt(String::length).max().orElse(1)) + 30;
        int top = 24;
        int bottom = 8 + 7 * Math.min(16, tokens.stream().mapToInt(String::length).max().orElse(1)) + 24;
        int width = left + n * cell + 10;
        int height = top + n * cell + bottom;
        html.append("<svg class=\"pattern\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width)
                .append("\" height=\"").append(height).append("\" role=\"img\">\n")
                .append("<text class=\"axis-name\" x=\"").append(left).append("\" y=\"14\">query (rows) x key (columns)</text>\n");
        for (int q = 0; q < n; q++) {
            for (int k = 0; k < n; k++) {
                double v = w[q][k];
                html.append("<rect class=\"cell\" x=\"").append(left + k * cell).append("\" y=\"").append(top + q * cell)
                        .append("\" width=\"").append(cell).append("\" height=\"").append(cell).append("\" fill=\"")
                        .append(blue(v)).append("\" data-q=\"").append(q).append("\" data-k=\"").append(k)
                        .append("\" data-w=\"").append(String.format(Locale.ROOT, "%.4f", v)).append("\"><title>")
                        .append(Html.escape(label(q, tokens) + " -> " + label(k, tokens) + ": "
                                + String.format(Locale.ROOT, "%.3f", v))).append("</title></rect>\n");
            }
        }
        for (int i = 0; i < n; i++) {
            String text = Html.escape(label(i, tokens));
            html.append("<text class=\"tick\" x=\"").append(left - 6).append("\" y=\"").append(top + i * cell + cell / 2 + 4)
                    .append("\" text-anchor=\"end\">").append(text).append("</text>\n");
            int x = left + i * cell + cell / 2;
            int y = top + n * cell + 8;
            html.append("<text class=\"tick\" x=\"").append(x).append("\" y=\"").append(y).append("\" text-anchor=\"end\"")
                    .append(" transform=\"rotate(-60 ").append(x).append(' ').append(y).append(")\">").append(text).append("</text>\n");
        }
        html.append("<rect class=\"frame\" x=\"").append(left).append("\" y=\"").append(top).append("\" width=\"")
                .append(n * cell).append("\" height=\"").append(n * cell).append("\"/>\n</svg>\n");
    }

    private static String label(int i, List<String> tokens) {
        String t = tokens.get(i);
        return i + " " + (t.length() > 16 ? t.substring(0, 15) + "…" : t);
    }

    /** White at 0 to dark blue at 1. */
    static String blue(double weight) {
        double f = Double.isNaN(weight) ? 0 : Math.max(0, Math.min(1, weight));
        return String.format(Locale.ROOT, "#%02x%02x%02x", mix(255, 8, f), mix(255, 48, f), mix(255, 107, f));
    }

    private static int mix(int a, int b, double f) {
        return (int) Math.round(a + (b - a) * f);
    }
}

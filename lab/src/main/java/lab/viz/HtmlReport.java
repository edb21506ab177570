package lab.viz;

import lab.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes one run's {@link RunReport} as a single self-contained HTML file, what a reader wants
 * first at the top: header with the run's metadata, every heatmap as inline SVG with hover tooltips
 * (small maps print their values in the cells), the top conditions by effect with their intervals,
 * and the full summary table folded in a {@code <details>}.
 *
 * <p>Self-contained means no CDN, font, image or script from anywhere else: the file must open
 * identically from an archived run folder, offline, years later. A Content Security Policy in the
 * page enforces this and admits only the page's own inline script and style (by hash). All text is
 * HTML-escaped.
 *
 * <p>After wiring the tooltips the script sets {@code data-viz-ready="<cell count>"} on
 * {@code <body>}; {@code scripts/check-report-renders} reads it back from headless Chromium to
 * prove the script ran. Opening the file with {@code #viz-selftest} makes it hover its first cell
 * and, when the report has attention patterns, click a head's cell and hover the pattern it opens.
 */
public final class HtmlReport {

    private static final String STYLE = Html.resource("report.css") + Html.resource("patterns.css");
    private static final String SCRIPT = Html.resource("report.js") + Html.resource("patterns.js")
            + Html.resource("report-patterns.js");

    private HtmlReport() {
    }

    public static void write(RunReport report, Path file) throws IOException {
        AtomicFiles.writeString(file, render(report));
    }

    public static String render(RunReport report) {
        StringBuilder html = new StringBuilder(8192);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append(Html.contentSecurityPolicyMeta(SCRIPT, STYLE)).append('\n')
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(Html.escape(report.runName())).append(" – run report</title>\n")
                .append("<style>").append(STYLE).append("</style>\n")
                .append("</head>\n<body>\n");
        appendHeader(html, report);
        appendHeatmaps(html, report);
        appendPatterns(html, report);
        appendTopEffects(html, report);
        appendCalibration(html, report);
        appendSummary(html, report);
        html.append("<div id=\"viz-tooltip\" role=\"tooltip\" hidden></div>\n")
                .append("<script>").append(SCRIPT).append("</script>\n")
                .append("</body>\n</html>\n");
        return html.toString();
    }

    private static void appendHeader(StringBuilder html, RunReport report) {
        html.append("<header>\n<h1>").append(Html.escape(report.runName())).append("</h1>\n");
        if (!report.metadata().isEmpty()) {
            html.append("<dl class=\"meta\">\n");
            for (Map.Entry<String, String> e : report.metadata().entrySet()) {
                html.append("<dt>").append(Html.escape(e.getKey())).append("</dt><dd>")
                        .append(Html.escape(e.getValue())).append("</dd>\n");
            }
            html.append("</dl>\n");
        }
        html.append("</header>\n");
    }

    /** The full condition table, folded: the heatmaps and the ranking above are what a reader wants first. */
    private static void appendSummary(StringBuilder html, RunReport report) {
        html.append("<section id=\"summary\">\n<h2>All conditions</h2>\n");
        if (report.summary().isEmpty()) {
            html.append("<p class=\"note\">No summary rows.</p>\n</section>\n");
            return;
        }
        html.append("<details>\n<summary>Every condition and metric (").append(report.summary().size())
                .append(" rows)</summary>\n");
        html.append("<table class=\"summary\">\n<thead><tr><th>Condition</th><th>Metric</th>")
                .append("<th>Mean</th><th>").append(Html.escape(report.ciLabel())).append("</th></tr></thead>\n<tbody>\n");
        for (SummaryRow row : report.summary()) {
            html.append("<tr><td>").append(Html.escape(row.condition())).append("</td><td>")
                    .append(Html.escape(row.metric())).append("</td><td class=\"num\">")
                    .append(Html.escape(ValueFormat.format(row.mean()))).append("</td><td class=\"num\">")
                    .append(Html.escape(interval(row.ciLow(), row.ciHigh()))).append("</td></tr>\n");
        }
        html.append("</tbody>\n</table>\n</details>\n</section>\n");
    }

    private static void appendTopEffects(StringBuilder html, RunReport report) {
        EffectTable top = report.topEffects();
        if (top.rows().isEmpty()) {
            return;
        }
        html.append("<section id=\"top-effects\">\n<h2>Top conditions by effect</h2>\n<p class=\"note\">The ")
                .append(top.rows().size()).append(" of ").append(top.conditions())
                .append(" conditions with the largest |mean ").append(Html.escape(top.effectLabel()))
                .append("|, largest first.</p>\n<table class=\"top-effects\">\n<thead><tr><th>#</th><th>Condition</th><th>")
                .append(Html.escape(top.effectLabel())).append("</th><th>").append(Html.escape(report.ciLabel())).append("</th>");
        for (String metric : top.metricColumns()) {
            html.append("<th>mean ").append(Html.escape(metric)).append("</th>");
        }
        html.append("</tr></thead>\n<tbody>\n");
        int rank = 1;
        for (EffectTable.Row row : top.rows()) {
            html.append("<tr><td class=\"num\">").append(rank++).append("</td><td>").append(Html.escape(row.condition()))
                    .append("</td><td class=\"num\">").append(Html.escape(ValueFormat.format(row.effect())))
                    .append("</td><td class=\"num\">").append(Html.escape(interval(row.ciLow(), row.ciHigh()))).append("</td>");
            for (double mean : row.metricMeans()) {
                html.append("<td class=\"num\">").append(Html.escape(ValueFormat.format(mean))).append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table>\n</section>\n");
    }

    /**
     * The clean run's attention patterns as data (see {@link AttentionPatternsJson}) with a head and
     * an example picker; the script draws a head's figure when it is picked or its heatmap cell clicked.
     */
    private static void appendPatterns(StringBuilder html, RunReport report) {
        List<AttentionPatterns> examples = report.patterns();
        if (examples.isEmpty()) {
            return;
        }
        html.append("<section id=\"patterns\">\n<h2>Attention patterns</h2>\n<p class=\"note\">The clean run's")
                .append(" <code>hook_pattern</code> on ").append(examples.size()).append(examples.size() == 1 ? " example" : " examples")
                .append(" (<code>patterns.json</code>). Click a cell of a layer x head map, or pick a head and an example.")
                .append(" Hover a token: blue, what it attends to; orange underline, what attends to it; weights beneath.")
                .append(" Hover a cell for its weight.</p>\n<label>Head <select id=\"pattern-head\">");
        for (AttentionPatterns.Head h : examples.get(0).heads()) {
            html.append("<option value=\"").append(Html.escape(h.name())).append("\">").append(Html.escape(h.name())).append("</option>");
        }
        html.append("</select></label>\n<label>Example <select id=\"pattern-example\">");
        for (int i = 0; i < examples.size(); i++) {
            AttentionPatterns p = examples.get(i);
            String text = String.join(" ", p.tokens());
            html.append("<option value=\"").append(i).append("\">").append(Html.escape(p.title() + ": "
                    + (text.length() > 60 ? text.substring(0, 59) + "…" : text))).append("</option>");
        }
        html.append("</select></label>\n<div id=\"pattern-view\"><p class=\"note\">No head open yet.</p></div>\n")
                .append("<script type=\"application/json\" id=\"pattern-data\">")
                .append(AttentionPatternsJson.forScriptElement(examples)).append("</script>\n</section>\n");
    }

    private static void appendCalibration(StringBuilder html, RunReport report) {
        if (report.calibration().isEmpty()) {
            return;
        }
        html.append("<section id=\"calibration\">\n<h2>Calibration</h2>\n<div class=\"maps\">\n");
        for (ReliabilityDiagram d : report.calibration()) {
            html.append("<figure>\n<h3>").append(Html.escape(d.title())).append("</h3>\n<p class=\"note\">")
                    .append(Html.escape(d.note())).append("</p>\n").append(ReliabilityDiagramSvg.render(d)).append("\n");
            appendTable(html, d.table());
            html.append("</figure>\n");
        }
        html.append("</div>\n</section>\n");
    }

    private static void appendTable(StringBuilder html, ReliabilityDiagram.Table table) {
        if (table.rows().isEmpty()) {
            return;
        }
        html.append("<table class=\"calibration\">\n<thead><tr>");
        table.columns().forEach(c -> html.append("<th>").append(Html.escape(c)).append("</th>"));
        html.append("</tr></thead>\n<tbody>\n");
        for (List<String> row : table.rows()) {
            html.append("<tr>");
            row.forEach(cell -> html.append("<td>").append(Html.escape(cell)).append("</td>"));
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table>\n");
    }

    static String interval(double low, double high) {
        if (Double.isNaN(low) && Double.isNaN(high)) {
            return ValueFormat.MISSING;
        }
        return "[" + ValueFormat.format(low) + ", " + ValueFormat.format(high) + "]";
    }

    private static void appendHeatmaps(StringBuilder html, RunReport report) {
        html.append("<section id=\"heatmaps\">\n<h2>Heatmaps</h2>\n");
        if (report.heatmaps().isEmpty()) {
            html.append("<p class=\"note\">No heatmaps.</p>\n");
        } else {
            html.append("<p class=\"note\">");
            if (report.heatmaps().stream().anyMatch(m -> m.sign() == ValueSign.SIGNED)) {
                html.append("Signed values: blue negative, white zero, red positive, limits ±max|value| over the maps of one metric (its facets share a scale). ");
            }
            if (report.heatmaps().stream().anyMatch(m -> m.sign() == ValueSign.NON_NEGATIVE)) {
                html.append("Values that cannot be negative (kl, flip rate): white at zero to purple at the metric's maximum over its maps. ");
            }
            html.append("Grey: no value. Maps of at most ").append(HeatmapSvg.MAX_LABELLED_CELLS).append(" x ")
                    .append(HeatmapSvg.MAX_LABELLED_CELLS).append(" cells print each value; hover any cell for its value.</p>\n");
        }
        html.append("<div class=\"maps\">\n");
        for (int i = 0; i < report.heatmaps().size(); i++) {
            HeatmapData map = report.heatmaps().get(i);
            html.append("<figure>\n<h3>").append(Html.escape(map.title())).append("</h3>\n")
                    .append(HeatmapSvg.render(map, "heatmap-" + i)).append("\n</figure>\n");
        }
        html.append("</div>\n</section>\n");
    }
}

package lab.viz;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import lab.io.AtomicFiles;

/**
 * One self-contained page of SAE feature panels: a 2-D map of every decoder direction (each point
 * links to its feature's panel when it has one), and per feature its firing rate, activation
 * histogram, top activating contexts with each token shaded by its activation, and the tokens its
 * decoder direction most raises and lowers. Plain data in, no script, no network.
 */
public final class FeaturePanelsHtml {

    /** A context around a peak: tokens and each token's activation. */
    public record Context(List<String> tokens, double[] activations, int peak) {
    }

    /** One feature's panel. */
    public record Panel(int feature, double firingRate, double maxActivation, int[] histogram, List<Context> contexts,
                        List<String> raises, List<String> lowers) {
    }

    /** @param map per feature (index = feature) its 2-D coordinates, e.g. the first two principal components */
    public record Page(String title, String mapLabel, double[][] map, List<Panel> panels) {
    }

    private static final String STYLE = "body{font-family:sans-serif;margin:1.5em;max-width:70em}"
            + ".panel{border-top:1px solid #ccc;padding:.5em 0}.ctx{font-family:monospace;margin:.2em 0}"
            + ".t{padding:0 .15em}.pk{outline:1px solid #333}"
            + ".a0{background:#fff}.a1{background:#fde0c5}.a2{background:#facba6}.a3{background:#f8b58b}"
            + ".a4{background:#f59e72}.a5{background:#f2855d}.a6{background:#ef6a4c}.a7{background:#e74c3c}"
            + ".a8{background:#cf3a2c}.a9{background:#b22222;color:#fff}";

    private FeaturePanelsHtml() {
    }

    public static void write(Page page, Path file) throws IOException {
        AtomicFiles.writeString(file, render(page));
    }

    public static String render(Page page) {
        StringBuilder h = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\">")
                .append(Html.contentSecurityPolicyMeta(null, STYLE))
                .append("<title>").append(Html.escape(page.title())).append("</title><style>").append(STYLE)
                .append("</style></head><body><h1>").append(Html.escape(page.title())).append("</h1>");
        h.append("<h2>Decoder directions (").append(Html.escape(page.mapLabel())).append(")</h2>");
        h.append(map(page));
        for (Panel p : page.panels()) {
            h.append("<div class=\"panel\" id=\"f").append(p.feature()).append("\"><h3>feature ").append(p.feature())
                    .append("</h3><p>").append(String.format(Locale.ROOT, "fires on %.2f%% of tokens; max activation %.3f",
                            100 * p.firingRate(), p.maxActivation())).append("</p>");
            h.append(histogram(p.histogram(), p.maxActivation()));
            for (Context c : p.contexts()) {
                h.append("<div class=\"ctx\">");
                double max = c.activations()[c.peak()];
                for (int i = 0; i < c.tokens().size(); i++) {
                    int level = max <= 0 ? 0 : (int) Math.min(9, Math.round(9 * Math.max(0, c.activations()[i]) / max));
                    h.append("<span class=\"t a").append(level).append(i == c.peak() ? " pk" : "").append("\" title=\"")
                            .append(String.format(Locale.ROOT, "%.3f", c.activations()[i])).append("\">")
                            .append(Html.escape(c.tokens().get(i))).append("</span> ");
                }
                h.append("</div>");
            }
            h.append("<p>raises: ").append(Html.escape(String.join(", ", p.raises()))).append("<br>lowers: ")
                    .append(Html.escape(String.join(", ", p.lowers()))).append("</p></div>");
        }
        return h.append("</body></html>\n").toString();
    }

    private static String map(Page page) {
        double[][] xy = page.map();
        double minX = Double.MAX_VALUE, maxX = -Double.MAX_VALUE, minY = Double.MAX_VALUE, maxY = -Double.MAX_VALUE;
        for (double[] p : xy) {
            minX = Math.min(minX, p[0]);
            maxX = Math.max(maxX, p[0]);
            minY = Math.min(minY, p[1]);
            maxY = Math.max(maxY, p[1]);
        }
        java.util.Set<Integer> withPanel = new java.util.HashSet<>();
        page.panels().forEach(p -> withPanel.add(p.feature()));
        StringBuilder s = new StringBuilder("<svg width=\"520\" height=\"520\" viewBox=\"0 0 520 520\">"
                + "<rect x=\"0\" y=\"0\" width=\"520\" height=\"520\" fill=\"#fafafa\" stroke=\"#ccc\"/>");
        for (int j = 0; j < xy.length; j++) {
            double x = 10 + 500 * (xy[j][0] - minX) / Math.max(1e-12, maxX - minX);
            double y = 510 - 500 * (xy[j][1] - minY) / Math.max(1e-12, maxY - minY);
            String dot = String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%d\" fill=\"%s\"><title>feature %d</title></circle>",
                    x, y, withPanel.contains(j) ? 5 : 3, withPanel.contains(j) ? "#c0392b" : "#7f8c8d", j);
            s.append(withPanel.contains(j) ? "<a href=\"#f" + j + "\">" + dot + "</a>" : dot);
        }
        return s.append("</svg>").toString();
    }

    private static String histogram(int[] counts, double max) {
        int top = 1;
        for (int c : counts) {
            top = Math.max(top, c);
        }
        StringBuilder s = new StringBuilder("<svg width=\"320\" height=\"80\" viewBox=\"0 0 320 80\">");
        double w = 300.0 / counts.length;
        for (int i = 0; i < counts.length; i++) {
            double hgt = 60.0 * counts[i] / top;
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#2c7fb8\">"
                    + "<title>%d activations in (%.3f, %.3f]</title></rect>", 10 + i * w, 65 - hgt, w - 1, hgt, counts[i],
                    max * i / counts.length, max * (i + 1) / counts.length));
        }
        return s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"78\" font-size=\"10\">0</text>"
                + "<text x=\"280\" y=\"78\" font-size=\"10\">%.2f</text></svg>", max)).toString();
    }
}

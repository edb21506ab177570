package lab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {

    private static final Pattern CELL = Pattern.compile("<rect class=\"cell[^\"]*\"([^>]*)>");

    @TempDir
    Path dir;

    private final String html = HtmlReport.render(ReportRenderFixture.report());

    @Test
    void oneCellElementPerHeatmapCell() {
        int expected = 0;
        for (HeatmapData map : ReportRenderFixture.report().heatmaps()) {
            expected += map.rows() * map.cols();
        }
        assertEquals(12 * 12 + 6 * 15 + 2 * 4, expected);
        assertEquals(expected, cells().size());
        assertEquals(3, count(html, "<svg class=\"heatmap\""));
    }

    @Test
    void eachCellCarriesItsLabelsAndValueForTheTooltip() {
        List<String> cells = cells();
        // Cells are written row by row; the first map's L0H0 is -2 and L11H11 is +2.
        assertTrue(cells.get(0).contains("data-row=\"0\" data-col=\"0\" data-value=\"-2.0\" data-shown=\"-2\""),
                cells.get(0));
        assertTrue(cells.get(143).contains("data-row=\"11\" data-col=\"11\" data-value=\"2.0\""), cells.get(143));
        assertTrue(cells.get(3 * 12 + 4).contains("data-value=\"NaN\" data-shown=\"n/a\""), cells.get(3 * 12 + 4));
        // Second map: token labels become the column labels (row 0, col 2 is " Mary", 1.5).
        assertTrue(cells.get(144 + 2).contains("data-row=\"0\" data-col=\" Mary\" data-value=\"1.5\""),
                cells.get(144 + 2));
        assertTrue(html.contains("data-row-axis=\"layer\" data-col-axis=\"head\" data-value-label=\"Δ logit diff\""));
        assertTrue(html.contains("<title>layer 0, head 0: -2</title>"), "no-script fallback tooltip");
    }

    @Test
    void cellColoursFollowTheDivergingScale() {
        List<String> cells = cells();
        assertTrue(cells.get(0).contains("fill=\"#2166ac\""), "most negative is full blue: " + cells.get(0));
        assertTrue(cells.get(143).contains("fill=\"#b2182b\""), "most positive is full red: " + cells.get(143));
        assertTrue(cells.get(5 * 12 + 5).contains("fill=\"#ffffff\""), "zero is white: " + cells.get(5 * 12 + 5));
        assertTrue(cells.get(3 * 12 + 4).contains("fill=\"#bdbdbd\""), "missing is grey");
    }

    @Test
    void hostileTextIsEscapedEverywhere() {
        assertFalse(html.contains("<script>alert"), "run name must not inject a script");
        assertFalse(html.contains("<img src=x"), "metadata must not inject an element");
        assertEquals(1, count(html, "<script>"), "only the page's own script");
        assertTrue(html.contains("<h1>ioi-ablation &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;</h1>"));
        assertTrue(html.contains("<dd>&lt;img src=x onerror=alert(1)&gt;</dd>"));
        // The token "<|endoftext|>" is a column label in attributes and tick text.
        assertTrue(html.contains("data-col=\"&lt;|endoftext|&gt;\""));
        assertFalse(html.contains(">" + "<|endoftext|>"));
    }

    @Test
    void selfContainedWithNoExternalReferences() {
        assertFalse(html.contains("http:") || html.contains("https:"), "no URLs at all");
        assertFalse(Pattern.compile("\\s(src|href)\\s*=", Pattern.CASE_INSENSITIVE)
                .matcher(html.replace("&lt;img src=x", "")).find(), "no src/href attributes");
        assertFalse(html.contains("<link"));
        assertTrue(html.contains("default-src 'none'"));
    }

    @Test
    void policyAdmitsExactlyThePageScriptByHash() throws Exception {
        Matcher script = Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL).matcher(html);
        assertTrue(script.find());
        String hash = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(script.group(1).getBytes(StandardCharsets.UTF_8)));
        assertTrue(html.contains("script-src 'sha256-" + hash + "'"), "CSP must carry the script's hash");
        assertTrue(script.group(1).contains("data-viz-ready"), "the script sets the render marker");
    }

    @Test
    void headerAndSummaryShowTheGivenData() {
        assertTrue(html.contains("<dt>config hash</dt><dd>3f9a1c0e7b</dd>"));
        assertTrue(html.indexOf("<dt>model</dt>") < html.indexOf("<dt>seeds</dt>"), "metadata keeps its order");
        assertTrue(html.contains("<th>95% CI (bootstrap)</th>"));
        assertTrue(html.contains("<tr><td>clean</td><td>logit diff</td><td class=\"num\">3.215</td>"
                + "<td class=\"num\">[3.01, 3.42]</td></tr>"));
        assertTrue(html.contains("<td class=\"num\">-0.4123</td><td class=\"num\">n/a</td>"));
    }

    @Test
    void heatmapsComeFirstThenTheTopEffectsThenTheFoldedFullTable() {
        int maps = html.indexOf("<section id=\"heatmaps\">");
        int top = html.indexOf("<section id=\"top-effects\">");
        int all = html.indexOf("<section id=\"summary\">");
        assertTrue(maps > 0 && maps < top && top < all, "order: heatmaps " + maps + ", top " + top + ", all " + all);
        String folded = html.substring(all);
        assertTrue(folded.indexOf("<details>") < folded.indexOf("<table class=\"summary\">")
                && folded.indexOf("</table>") < folded.indexOf("</details>"), "the full table sits inside <details>");
        assertTrue(folded.contains("<summary>Every condition and metric (3 rows)</summary>"));
    }

    @Test
    void topEffectsShowRankEffectIntervalAndTheMetricsBeside() {
        assertTrue(html.contains("The 2 of 144 conditions with the largest |mean logit_diff change|"));
        assertTrue(html.contains("<th>logit_diff change</th><th>95% CI (bootstrap)</th><th>mean logit_diff</th><th>mean kl</th>"));
        assertTrue(html.contains("<tr><td class=\"num\">1</td><td>layer=1 head=3 scale=0.0</td><td class=\"num\">-2.157</td>"
                + "<td class=\"num\">[-2.5, -1.81]</td><td class=\"num\">1.057</td><td class=\"num\">0.42</td></tr>"));
        assertTrue(html.contains("<td>token=&lt;b&gt;x&lt;/b&gt;</td><td class=\"num\">0.31</td><td class=\"num\">n/a</td>"));
        assertFalse(HtmlReport.render(new RunReport("bare", Map.of(), List.of(), List.of())).contains("<section id=\"top-effects\">"),
                "no ranking, no section");
    }

    @Test
    void mapsOfAtMost12By12PrintTheirValuesInTheCells() {
        // 12 x 12 and 2 x 4 print every value (NaN as n/a); the 6 x 15 map prints none
        assertEquals(12 * 12 + 2 * 4, count(html, "<text class=\"cell-value"));
        assertTrue(html.contains("<text class=\"cell-value on-dark\" x=\"") && html.contains(">-2</text>"),
                "the saturated L0H0 cell prints -2 in light text");
        String bigMapOnly = HtmlReport.render(new RunReport("big", Map.of(), List.of(),
                List.of(ReportRenderFixture.layerByPosition())));
        assertEquals(0, count(bigMapOnly, "<text class=\"cell-value"));
    }

    @Test
    void emptyReportStillRenders() {
        String empty = HtmlReport.render(new RunReport("bare", Map.of(), List.of(), List.of()));
        assertTrue(empty.contains("No summary rows."));
        assertTrue(empty.contains("No heatmaps."));
        assertEquals(0, count(empty, "class=\"cell"));
    }

    @Test
    void writesTheFileAtomically() throws IOException {
        Path file = dir.resolve("runs/r1/report.html");
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("seed", "7");
        HtmlReport.write(new RunReport("r1", meta, List.of(), List.of(ReportRenderFixture.allZero())), file);
        String written = Files.readString(file);
        assertTrue(written.startsWith("<!DOCTYPE html>"));
        assertEquals(8, count(written, "<rect class=\"cell"));
        try (var files = Files.list(file.getParent())) {
            assertEquals(1, files.count());
        }
    }

    private List<String> cells() {
        List<String> out = new ArrayList<>();
        Matcher m = CELL.matcher(html);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }
}

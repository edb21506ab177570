package lab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run report with attention patterns: data embedded safely, and in headless Chromium a head cell's click opens its pattern. */
class RunReportPatternsTest {

    @TempDir
    Path dir;

    /** Two examples of the four heads of a 2 x 2 model; L1H1 attends to the first token and itself half and half. */
    static List<AttentionPatterns> examples() {
        List<String> tokens = List.of("<|endoftext|>", "When", " </script><b>Mary</b>", " and", " John");
        double[][] previous = new double[5][5];
        double[][] firstAndSelf = new double[5][5];
        for (int q = 0; q < 5; q++) {
            previous[q][Math.max(0, q - 1)] = 1;
            firstAndSelf[q][0] = 0.5;
            firstAndSelf[q][q] += 0.5;
        }
        List<AttentionPatterns.Head> heads = List.of(new AttentionPatterns.Head("L0H0", previous),
                new AttentionPatterns.Head("L0H1", previous), new AttentionPatterns.Head("L1H0", previous),
                new AttentionPatterns.Head("L1H1", firstAndSelf));
        return List.of(new AttentionPatterns("ioi-0", tokens, heads), new AttentionPatterns("ioi-1", tokens.subList(0, 3),
                heads.stream().map(h -> new AttentionPatterns.Head(h.name(), new double[][] {{1, 0, 0}, {0.25, 0.75, 0}, {0.1, 0.2, 0.7}}))
                        .toList()));
    }

    static RunReport report() {
        HeatmapData layerByHead = HeatmapData.indexed("logit_diff change", "layer", "head",
                new double[][] {{-0.5, 0.1}, {0.2, -3.0}}, "Δ logit diff");
        return new RunReport("run", Map.of("model", "tiny"), List.of(), "95% CI", List.of(layerByHead), EffectTable.none(),
                examples(), List.of(ReliabilityDiagramSvgTest.diagram()));
    }

    @Test
    void thePatternsAreEmbeddedAsDataThatNoTokenCanEscape() {
        String html = HtmlReport.render(report());
        assertTrue(html.contains("<section id=\"patterns\">"));
        assertTrue(html.contains("<option value=\"L1H1\">L1H1</option>"));
        assertTrue(html.contains("<option value=\"1\">ioi-1: "));
        assertTrue(html.contains(" \\u003c/script>\\u003cb>Mary\\u003c/b>"), "the token's markup is escaped inside the data");
        assertEquals(2, html.split("</script>", -1).length - 1, "only the data and the page's script end a script element");
        assertTrue(html.contains("[[1.0,0.0,0.0,0.0,0.0],[0.5,0.5,0.0,0.0,0.0]"), "L1H1 of ioi-0, rows as query");
        assertFalse(HtmlReport.render(new RunReport("bare", Map.of(), List.of(), List.of())).contains("id=\"patterns\""));
    }

    @Test
    void examplesWithDifferentHeadsAreRefused() {
        AttentionPatterns a = examples().get(0);
        AttentionPatterns b = new AttentionPatterns("x", a.tokens(), a.heads().subList(0, 2));
        var e = assertThrows(IllegalArgumentException.class, () -> AttentionPatternsJson.toJson(List.of(a, b)));
        assertTrue(e.getMessage().contains("example x has heads [L0H0, L0H1]"), e.getMessage());
    }

    /** The self-test clicks the last cell of the layer x head map (L1H1) and hovers the pattern it opened (skipped without Chromium). */
    @Test
    void inHeadlessChromiumAClickOpensTheHeadAndTheHoverHighlights() throws IOException, InterruptedException {
        assumeTrue(ReportRenderCheckTest.chromiumInstalled(), "no /usr/bin/chromium");
        Path page = dir.resolve("report.html");
        HtmlReport.write(report(), page);
        String output = ReportRenderCheckTest.check(page, dir.resolve("out"), dir.resolve("check.log"));
        assertTrue(output.contains("data-viz-ready=\"4\""), output);
        // last token (4, " John") of ioi-0 under L1H1 attends to token 0 and itself; token 0 is attended by the 4 others
        assertTrue(output.contains("| pattern clicked: L1H1 on ioi-0 | last token attends to: 2 | first token attended by: 4"
                + " | query: 4  John | key: 0 &lt;|endoftext|&gt; | weight: 0.500"), output);
    }
}

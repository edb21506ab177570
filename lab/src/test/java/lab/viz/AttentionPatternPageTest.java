package lab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The attention pattern page: cells, escaping, the head picker; and in headless Chromium, its script. */
class AttentionPatternPageTest {

    @TempDir
    Path dir;

    static AttentionPatterns sample() {
        List<String> tokens = List.of("<|endoftext|>", "When", " <b>Mary</b>", " and", " John");
        double[][] previous = new double[5][5];
        double[][] first = new double[5][5];
        for (int q = 0; q < 5; q++) {
            previous[q][Math.max(0, q - 1)] = 1;
            first[q][0] = 0.5;
            first[q][q] += 0.5;
        }
        return new AttentionPatterns("tiny & <script>", tokens,
                List.of(new AttentionPatterns.Head("L0H0", previous), new AttentionPatterns.Head("L1H3", first)));
    }

    @Test
    void everyHeadIsAMatrixOfCellsWithItsWeightsAndTextIsEscaped() {
        String html = AttentionPatternPage.render(sample());
        assertEquals(2 * 25, count(html, "<rect class=\"cell\""));
        assertTrue(html.contains("data-q=\"3\" data-k=\"2\" data-w=\"1.0000\""), "L0H0: token 3 attends to token 2");
        assertTrue(html.contains("data-q=\"4\" data-k=\"0\" data-w=\"0.5000\""));
        assertTrue(html.contains("&lt;b&gt;Mary&lt;/b&gt;") && !html.contains("<b>Mary"), "tokens are text, never markup");
        assertFalse(html.contains("<script>alert") || html.contains("tiny & <script>"));
        assertTrue(html.contains("<figure class=\"pattern\" data-head=\"L0H0\">"), "the first head shows");
        assertTrue(html.contains("<figure class=\"pattern\" data-head=\"L1H3\" hidden>"), "the others wait for the picker");
        assertTrue(html.contains("<option value=\"L1H3\">L1H3</option>"));
        assertFalse(html.contains("http://") && html.contains("src=\"http"), "nothing from the network");
        assertEquals("#ffffff", AttentionPatternPage.blue(0));
        assertEquals("#08306b", AttentionPatternPage.blue(1));
    }

    @Test
    void aPatternOfTheWrongShapeIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> new AttentionPatterns("t", List.of("a", "b"),
                List.of(new AttentionPatterns.Head("L0H0", new double[3][2]))));
        assertTrue(e.getMessage().contains("L0H0 has 3 query rows for 2 tokens"), e.getMessage());
    }

    /** The picker shows the chosen head and a token hover colours what it attends to (skipped without Chromium). */
    @Test
    void inHeadlessChromiumThePickerAndTheHoverWork() throws IOException, InterruptedException {
        org.junit.jupiter.api.Assumptions.assumeTrue(ReportRenderCheckTest.chromiumInstalled(), "no /usr/bin/chromium");
        Path page = dir.resolve("patterns.html");
        AttentionPatternPage.write(sample(), page);
        String output = ReportRenderCheckTest.check(page, dir.resolve("out"), dir.resolve("check.log"));
        assertTrue(output.contains("data-viz-ready=\"50\""), output);
        // the last head (L1H3) was picked; its last token (4) attends to token 0 and itself, 0.5 each
        assertTrue(output.contains("query: 4  John | key: 0 &lt;|endoftext|&gt; | weight: 0.500 | shown: L1H3 | highlighted: 2"), output);
    }

    private static int count(String text, String needle) {
        Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}

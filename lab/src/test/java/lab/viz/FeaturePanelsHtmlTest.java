package lab.viz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FeaturePanelsHtmlTest {

    @Test
    void panelsLinkFromTheMapAndEscapeTokens() {
        FeaturePanelsHtml.Context c = new FeaturePanelsHtml.Context(List.of("<script>alert(1)</script>", "Mary"),
                new double[] {0.0, 2.0}, 1);
        FeaturePanelsHtml.Panel p = new FeaturePanelsHtml.Panel(2, 0.25, 2.0, new int[] {1, 0, 3}, List.of(c),
                List.of("Mary"), List.of("<unk>"));
        String html = FeaturePanelsHtml.render(new FeaturePanelsHtml.Page("t", "pca",
                new double[][] {{0, 0}, {1, 1}, {2, 0.5}}, List.of(p)));
        assertTrue(html.contains("<a href=\"#f2\">"), "the panel's point links to it");
        assertTrue(html.contains("id=\"f2\""));
        assertFalse(html.contains("href=\"#f0\""), "features without a panel are plain points");
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assertFalse(html.contains("<script"), "no script at all");
        assertTrue(html.contains("class=\"t a9 pk\" title=\"2.000\">Mary"), "the peak is shaded darkest and outlined");
        assertTrue(html.contains("fires on 25.00% of tokens"));
    }
}

package lab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SAE's feature panel page ({@code sae_features.html}) as headless Chromium lays it out: every
 * panel and every map point is in the rendered DOM, each linked point leads to a panel that exists,
 * the hostile token stays text, and the page paints (a non-trivial screenshot). The page has no
 * script, so what the browser shows is what the DOM holds. Chromium is required under CI=true, as
 * for the report render check.
 */
class FeaturePanelsRenderTest {

    @TempDir
    Path dir;

    @Test
    void panelsAndTheDecoderMapRenderAndLinkUp() throws Exception {
        if (!ReportRenderCheckTest.chromiumInstalled()) {
            assertFalse("true".equalsIgnoreCase(System.getenv("CI")), "/usr/bin/chromium is missing (CI=true: may not skip)");
            assumeTrue(false, "/usr/bin/chromium is missing; skipped outside CI");
        }
        List<FeaturePanelsHtml.Panel> panels = new ArrayList<>();
        for (int f : new int[] {3, 7, 11}) {
            FeaturePanelsHtml.Context c = new FeaturePanelsHtml.Context(List.of("When", "<b>Mary</b>", "went"),
                    new double[] {0.0, f, 0.5}, 1);
            panels.add(new FeaturePanelsHtml.Panel(f, 0.01 * f, f, new int[] {5, 3, 1}, List.of(c), List.of("Mary"), List.of("John")));
        }
        double[][] map = new double[16][2];
        for (int i = 0; i < map.length; i++) {
            map[i] = new double[] {Math.cos(i), Math.sin(i)};
        }
        Path page = dir.resolve("sae_features.html");
        FeaturePanelsHtml.write(new FeaturePanelsHtml.Page("features", "pca", map, panels), page);

        String dom = chromium("--dump-dom", page.toUri().toString());
        for (int f : new int[] {3, 7, 11}) {
            assertTrue(dom.contains("id=\"f" + f + "\""), "panel of feature " + f + " rendered");
        }
        Matcher links = Pattern.compile("href=\"#f(\\d+)\"").matcher(dom);
        int linked = 0;
        while (links.find()) {
            assertTrue(dom.contains("id=\"f" + links.group(1) + "\""), "point #f" + links.group(1) + " leads to a panel");
            linked++;
        }
        assertEquals(3, linked, "one linked point per panel");
        assertEquals(16, count(dom, "<circle"), "every decoder direction is a point");
        assertTrue(dom.contains("&lt;b&gt;Mary&lt;/b&gt;") && !dom.contains("<b>Mary</b>"), "a token stays text");

        Path shot = dir.resolve("panels.png");
        chromium("--screenshot=" + shot, "--window-size=1200,900", page.toUri().toString());
        assertTrue(Files.size(shot) > 10_000, "the page paints: " + Files.size(shot) + " bytes");
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private String chromium(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + Files.createTempDirectory(dir, "profile")));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "chromium timed out");
        assertEquals(0, p.exitValue(), "chromium failed");
        return out;
    }
}

package lab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code scripts/check-report-renders} on the fixture report: the page must draw and its
 * script must run in a real browser. Needs {@code /usr/bin/chromium} (Debian package {@code chromium}):
 * without it the test fails in CI ({@code CI=true}, which {@code .ci/run} sets and most CI services
 * set), so that a missing browser cannot pass for a page that draws; elsewhere it is skipped with a
 * message saying what to install.
 */
class ReportRenderCheckTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @TempDir
    Path dir;

    static boolean chromiumInstalled() {
        return Files.isExecutable(CHROMIUM);
    }

    @Test
    void fixtureReportRendersInHeadlessChromium() throws IOException, InterruptedException {
        if (!chromiumInstalled()) {
            String missing = CHROMIUM + " is missing: install the Debian package chromium to run the report render check";
            assertFalse("true".equalsIgnoreCase(System.getenv("CI")), missing + " (CI=true: the check may not be skipped)");
            assumeTrue(false, missing + "; skipped outside CI");
        }
        Path report = dir.resolve("report.html");
        HtmlReport.write(ReportRenderFixture.report(), report);
        Path out = dir.resolve("out");
        String output = check(report, out, dir.resolve("check.log"));
        assertTrue(output.contains("data-viz-ready=\"242\""), output);
        assertTrue(Files.size(out.resolve("report.png")) > 20_000);
    }

    /** Runs the render check on {@code page}; fails unless it finishes and passes. Returns its output. */
    static String check(Path page, Path out, Path log) throws IOException, InterruptedException {
        Process check = new ProcessBuilder("bash", script().toString(), page.toString(), out.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = check.waitFor(4, TimeUnit.MINUTES);
        if (!finished) {
            check.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(finished, "render check timed out:\n" + output);
        assertEquals(0, check.exitValue(), "render check failed:\n" + output);
        return output;
    }

    /** The script sits at the repository root; tests run from the module directory. */
    private static Path script() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("scripts/check-report-renders");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("scripts/check-report-renders not found above " + Path.of("").toAbsolutePath());
    }
}

package lab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import lab.runtime.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code harness patterns} as a user runs it. */
class PatternsCommandTest {

    @TempDir
    Path tmp;

    @Test
    void writesAPageOfTheChosenHeadsAndRefusesBadHeadNames() throws Exception {
        Path page = tmp.resolve("patterns.html");
        CliTest.Outcome o = CliTest.harness("patterns", "--model", Fixtures.dir("gpt2-tiny").toString(), "--text",
                "When Mary and John went", "--heads", "1.2,0.0", "--out", page.toString());
        assertEquals(0, o.code(), o.err());
        String html = Files.readString(page);
        assertTrue(html.contains("data-head=\"L1H2\"") && html.contains("data-head=\"L0H0\""), "both heads");
        assertTrue(o.out().contains("2 heads x "), o.out());
        CliTest.Outcome bad = CliTest.harness("patterns", "--model", Fixtures.dir("gpt2-tiny").toString(), "--text", "x",
                "--heads", "1:2", "--out", tmp.resolve("bad.html").toString());
        assertTrue(bad.code() != 0 && bad.err().contains("--heads entry '1:2' is not LAYER.HEAD"), bad.err());
        CliTest.Outcome missing = CliTest.harness("patterns", "--model", Fixtures.dir("gpt2-tiny").toString(), "--text", "x",
                "--heads", "5.0", "--out", tmp.resolve("bad.html").toString());
        assertTrue(missing.code() != 0 && missing.err().contains("head 5.0 does not exist"), missing.err());
        assertTrue(!Files.exists(tmp.resolve("bad.html")));
    }
}

package lab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import lab.runtime.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code harness run} with overrides and -m, {@code battery} with --dry-run and --skip-existing,
 * {@code leaderboard}, and bad configs, as a user runs them (paths relative to the working
 * directory, which the test points at a temp folder through the config's absolute paths).
 */
class HarnessRunCliTest {

    @TempDir
    Path tmp;

    private Path config() throws Exception {
        Files.writeString(tmp.resolve("c.jsonl"), "{\"id\": \"a\", \"clean\": \"When Mary and John went to the store, John gave a drink to\","
                + " \"corrupt\": \"When Mary and John went to the store, Mary gave a drink to\", \"target\": \" Mary\", \"foil\": \" John\", \"group\": \"g1\"}\n"
                + "{\"id\": \"b\", \"clean\": \"When John and Mary went to the store, Mary gave a drink to\","
                + " \"corrupt\": \"When John and Mary went to the store, John gave a drink to\", \"target\": \" John\", \"foil\": \" Mary\", \"group\": \"g2\"}\n");
        Path run = tmp.resolve("run.json");
        Files.writeString(run, "{\"name\": \"cli\", \"model\": {\"path\": \"" + Fixtures.dir("gpt2-tiny").toAbsolutePath()
                + "\", \"device\": \"cpu\", \"prepend_bos\": false}, \"data\": {\"corpus\": \"" + tmp.resolve("c.jsonl")
                + "\"}, \"experiment\": {\"type\": \"heads_zero\", \"scales\": [0.0], \"heads\": [[0, 1], [1, 2]]},"
                + " \"metrics\": [\"logit_diff\", \"kl\"], \"seeds\": [0], \"output\": {\"root\": \"" + tmp.resolve("runs")
                + "\", \"mlflow\": false}}");
        return run;
    }

    private long runCount() throws Exception {
        try (Stream<Path> s = Files.list(tmp.resolve("runs"))) {
            return s.filter(Files::isDirectory).count();
        }
    }

    @Test
    void multirunMakesOneRunPerValue() throws Exception {
        CliTest.Outcome o = CliTest.harness("run", config().toString(), "seeds=[0,1]", "-m", "experiment.scales=[0.0],[0.5]");
        assertEquals(0, o.code(), o.err());
        assertEquals(2, o.out().lines().filter(l -> l.startsWith("FINISHED ")).count(), o.out());
        assertEquals(2, runCount());
    }

    @Test
    void batteryRunsVariantsThenSkipsWhatFinished() throws Exception {
        Path run = config();
        Path battery = tmp.resolve("battery.json");
        Files.writeString(battery, "{\"name\": \"b\", \"base\": \"" + run + "\", \"variants\": [{\"name\": \"zero\", \"overrides\":"
                + " {\"experiment.scales\": [0.0]}}, {\"name\": \"half\", \"overrides\": {\"experiment.scales\": [0.5]}}]}");
        CliTest.Outcome dry = CliTest.harness("battery", battery.toString(), "--dry-run");
        assertEquals(0, dry.code(), dry.err());
        assertTrue(Files.notExists(tmp.resolve("runs")), "a dry run must not run anything");
        CliTest.Outcome first = CliTest.harness("battery", battery.toString());
        assertEquals(0, first.code(), first.err());
        assertEquals(2, runCount());
        CliTest.Outcome again = CliTest.harness("battery", battery.toString(), "--skip-existing");
        assertEquals(0, again.code(), again.err());
        assertEquals(2, runCount(), "finished runs of the same config must be skipped");
        CliTest.Outcome board = CliTest.harness("leaderboard", "--root", tmp.resolve("runs").toString(), "--metric", "kl");
        assertEquals(0, board.code(), board.err());
        for (String ext : new String[] {"csv", "json", "md", "html"}) {
            assertTrue(Files.isRegularFile(tmp.resolve("runs/leaderboard." + ext)), ext);
        }
    }

    @Test
    void badConfigsAreOneLineExitTwoAndWriteNothing() throws Exception {
        Path run = config();
        CliTest.Outcome unknownKey = CliTest.harness("run", run.toString(), "experimen.scales=[0.0]");
        assertEquals(2, unknownKey.code());
        assertTrue(unknownKey.err().contains("experimen"), unknownKey.err());
        CliTest.Outcome empty = CliTest.harness("run", run.toString(), "experiment.scales=[]");
        assertEquals(2, empty.code());
        assertTrue(empty.err().contains("experiment.scales"), empty.err());
        assertEquals(1, empty.err().strip().lines().count(), empty.err());
        Files.writeString(tmp.resolve("broken.json"), "{\"name\": \"x\",\n \"model\": }");
        CliTest.Outcome malformed = CliTest.harness("run", tmp.resolve("broken.json").toString());
        assertEquals(2, malformed.code());
        assertTrue(malformed.err().contains("broken.json"), malformed.err());
        CliTest.Outcome missing = CliTest.harness("run", run.toString(), "data.corpus=" + tmp.resolve("nope.jsonl"));
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("data.corpus"), missing.err());
        CliTest.Outcome outOfRange = CliTest.harness("run", run.toString(), "experiment.heads=[[5, 0]]");
        assertEquals(2, outOfRange.code());
        assertTrue(outOfRange.err().contains("[5, 0]") && outOfRange.err().contains("2 layers"), outOfRange.err());
        CliTest.Outcome pairOutOfRange = CliTest.harness("run", run.toString(), "experiment={\"type\": \"heads_pair_zero\","
                + " \"pairs\": [[0, 1, 1, 9]]}");
        assertEquals(2, pairOutOfRange.code(), pairOutOfRange.err());
        assertTrue(Files.notExists(tmp.resolve("runs")), "a bad config must not leave a run directory");
    }
}

package lab.harness.rundir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoriesTest {

    @TempDir
    Path root;

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-04T05:06:07Z"), ZoneOffset.UTC);

    @Test
    void nameTimeAndShortHashSanitised() {
        assertEquals("h1_heads_zero_20250304-050607_1a2b3c4d",
                RunDirectories.directoryName("h1_heads_zero", "1a2b3c4d", CLOCK));
        assertEquals("h1_sweep-zero-n_examples-16-seeds-0-1_20250304-050607_00ff00ff",
                RunDirectories.directoryName("h1_sweep/zero/n_examples=16,seeds=[0,1]", "00ff00ff", CLOCK));
        assertEquals("run", RunDirectories.sanitize("../"));
        assertEquals("a-b", RunDirectories.sanitize("a  b/"));
        assertEquals(80, RunDirectories.sanitize("x".repeat(300)).length());
    }

    @Test
    void sameNameSameSecondGetsASuffix() throws IOException {
        Path first = RunDirectories.create(root.resolve("runs"), "h1", "deadbeef", CLOCK);
        Path second = RunDirectories.create(root.resolve("runs"), "h1", "deadbeef", CLOCK);
        assertEquals("h1_20250304-050607_deadbeef", first.getFileName().toString());
        assertEquals("h1_20250304-050607_deadbeef-2", second.getFileName().toString());
        assertTrue(Files.isDirectory(second));
    }

    @Test
    void statusLifecycleFirstEndWins() throws IOException {
        Path dir = RunDirectories.create(root, "h1", "deadbeef", CLOCK);
        assertEquals(Optional.empty(), RunStatusFile.read(dir));
        RunStatusFile status = RunStatusFile.start(dir, "ab".repeat(32), "h1", CLOCK);
        RunStatus running = RunStatusFile.read(dir).orElseThrow();
        assertEquals(RunState.RUNNING, running.status());
        assertEquals("2025-03-04T05:06:07Z", running.startedAt());
        assertEquals(null, running.endedAt());
        assertEquals(ProcessHandle.current().pid(), running.pid());
        String text = Files.readString(dir.resolve("status.json"));
        assertTrue(text.contains("\"status\" : \"RUNNING\"") && text.contains("\"config_hash\" : \"abab"), text);
        assertTrue(!text.contains("ended_at") && !text.contains("error"), text);

        status.failed(new IllegalArgumentException("bad scale\nmore detail"));
        status.killed();                                   // a late shutdown hook changes nothing
        RunStatus ended = RunStatusFile.read(dir).orElseThrow();
        assertEquals(RunState.FAILED, ended.status());
        assertEquals("bad scale", ended.error());
        assertEquals("2025-03-04T05:06:07Z", ended.endedAt());
    }

    @Test
    void finishedRunsMatchOnTheHashOfConfigJson() throws IOException {
        String config = "{\"name\": \"h1\", \"seeds\": [0, 1]}";
        String hash = lab.harness.config.CanonicalJson.sha256(
                lab.harness.config.JsonDocument.parse("t", "{\"seeds\": [0.0, 1], \"name\": \"h1\"}").root());
        Path finished = RunDirectories.create(root, "h1", hash.substring(0, 8), CLOCK);
        Files.writeString(finished.resolve("config.json"), config);
        RunStatusFile.start(finished, hash, "h1", CLOCK).finished();
        Path running = RunDirectories.create(root, "h1", hash.substring(0, 8), CLOCK);
        Files.writeString(running.resolve("config.json"), config);
        RunStatusFile.start(running, hash, "h1", CLOCK);
        Path garbage = Files.createDirectory(root.resolve("not-a-run"));
        Files.writeString(garbage.resolve("status.json"), "{not json");

        FinishedRuns runs = FinishedRuns.scan(root);
        assertEquals(Optional.of(finished), runs.find(hash));
        assertEquals(Optional.empty(), runs.find("0".repeat(64)));
        assertEquals(Optional.empty(), FinishedRuns.scan(root.resolve("missing")).find(hash));
        assertNotEquals(finished, running);
    }
}

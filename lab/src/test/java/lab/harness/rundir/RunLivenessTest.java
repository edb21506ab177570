package lab.harness.rundir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A RUNNING status is STALE when its process is gone (this host) or silent too long (another host); ended runs never are. */
class RunLivenessTest {

    @TempDir
    Path tmp;

    private final String host = RunStatusFile.hostName();

    /** A status.json written by this process, then with the given fields replaced (as another process would have written them). */
    private Path run(String name, long pid, String runHost, String processStart, Instant heartbeat) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        RunStatusFile.start(dir, "ab".repeat(32), name, Clock.fixed(heartbeat, ZoneOffset.UTC));
        ObjectNode s = (ObjectNode) RunStatusFile.MAPPER.readTree(dir.resolve("status.json").toFile());
        s.put("pid", pid).put("host", runHost).put("process_started_at", processStart).put("heartbeat_at", heartbeat.toString());
        Files.writeString(dir.resolve("status.json"), s.toString());
        return dir;
    }

    @Test
    void processGoneOrReusedPidOnThisHostIsStaleAndALiveOneIsNot() throws Exception {
        Instant now = Instant.now();
        RunLiveness liveness = new RunLiveness(host, Clock.fixed(now, ZoneOffset.UTC), Duration.ofMinutes(5));
        ProcessHandle self = ProcessHandle.current();
        String selfStart = self.info().startInstant().orElseThrow().toString();
        assertNull(liveness.observe(run("alive", self.pid(), host, selfStart, now)).orElseThrow().staleReason());

        Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        RunLiveness.Observed gone = liveness.observe(run("gone", finished.pid(), host, selfStart, now)).orElseThrow();
        assertEquals("STALE", gone.state(), "a fresh heartbeat does not save a run whose process is gone");
        assertTrue(gone.staleReason().contains("process " + finished.pid() + " on " + host + " is gone"), gone.staleReason());

        String anHourEarlier = self.info().startInstant().orElseThrow().minusSeconds(3600).toString();
        RunLiveness.Observed reused = liveness.observe(run("reused", self.pid(), host, anHourEarlier, now)).orElseThrow();
        assertTrue(reused.stale());
        assertTrue(reused.staleReason().contains("pid now belongs to a process started at"), reused.staleReason());
    }

    @Test
    void onAnotherHostOnlyTheHeartbeatCounts() throws Exception {
        Instant now = Instant.parse("2026-01-01T12:00:00Z");
        RunLiveness liveness = new RunLiveness(host, Clock.fixed(now, ZoneOffset.UTC), Duration.ofMinutes(5));
        // the pid is this process's, but on another machine that says nothing
        Path fresh = run("fresh", ProcessHandle.current().pid(), "elsewhere", null, now.minusSeconds(299));
        Path silent = run("silent", ProcessHandle.current().pid(), "elsewhere", null, now.minusSeconds(301));
        assertFalse(liveness.observe(fresh).orElseThrow().stale());
        RunLiveness.Observed old = liveness.observe(silent).orElseThrow();
        assertEquals("STALE", old.state());
        assertTrue(old.staleReason().contains("no heartbeat for 301 s (limit 300 s"), old.staleReason());
        assertEquals(2, liveness.scan(tmp).size());
    }

    @Test
    void markingKilledEndsAtTheLastHeartbeatAndEndedRunsAreNeverStale() throws Exception {
        Instant beat = Instant.parse("2026-01-01T12:00:00Z");
        Path dir = run("dead", 1, "elsewhere", null, beat);
        Clock later = Clock.fixed(beat.plusSeconds(3600), ZoneOffset.UTC);
        RunStatus killed = RunStatusFile.markKilled(dir, "marked KILLED: gone", later);
        assertEquals(RunState.KILLED, killed.status());
        assertEquals(beat.toString(), killed.endedAt());
        assertEquals(killed, RunStatusFile.read(dir).orElseThrow());
        RunLiveness liveness = new RunLiveness(host, later, Duration.ofMinutes(5));
        assertEquals("KILLED", liveness.observe(dir).orElseThrow().state());
        assertEquals(killed, RunStatusFile.markKilled(dir, "again", later), "an ended run is left as it is");
    }

    @Test
    void heartbeatsAndCheckpointsStopWhenTheRunEnds() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("r"));
        RunStatusFile status = RunStatusFile.start(dir, "cd".repeat(32), "r");
        status.checkpoint(1, 3, 40);
        RunStatus mid = RunStatusFile.read(dir).orElseThrow();
        assertEquals(1, mid.seedsDone());
        assertEquals(3, mid.seedsTotal());
        assertEquals(40, mid.rowsFlushed());
        assertEquals(ProcessHandle.current().info().startInstant().orElseThrow().toString(), mid.processStartedAt());
        status.finished();
        String ended = Files.readString(dir.resolve("status.json"));
        status.heartbeat();
        status.checkpoint(2, 3, 80);
        assertEquals(ended, Files.readString(dir.resolve("status.json")));
    }
}

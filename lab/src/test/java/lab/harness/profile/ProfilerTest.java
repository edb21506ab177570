package lab.harness.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfilerTest {

    @TempDir
    Path runDir;

    /** Keeps one core busy for about {@code ms} milliseconds. */
    private static double spin(long ms) {
        long end = System.nanoTime() + ms * 1_000_000;
        double x = 0;
        while (System.nanoTime() < end) {
            x += Math.sqrt(x + 1);
        }
        return x;
    }

    @Test
    void samplesPhasesAndProfileJson() throws IOException, InterruptedException {
        Profiler profiler = Profiler.start(Duration.ofMillis(50), Device.cpu());
        byte[] held;
        try (var load = profiler.phase("load_model")) {
            held = new byte[32 << 20];
            spin(300);
        }
        try (var seed = profiler.phase("seed_0")) {
            try (var inner = profiler.phase("forward")) {
                spin(100);
            }
            Thread.sleep(100);
        }
        Profiler.Phase open = profiler.phase("interrupted");
        Thread.sleep(60);
        profiler.stop();
        profiler.stop();                                   // idempotent
        open.close();                                      // after stop: stays unfinished

        List<ProfileSample> samples = profiler.samples();
        assertTrue(samples.size() >= 6, "samples: " + samples.size());
        for (int i = 1; i < samples.size(); i++) {
            assertTrue(samples.get(i).tMs() >= samples.get(i - 1).tMs());
        }
        ProfileSample last = samples.get(samples.size() - 1);
        // the process's resident memory and the machine's available memory, against readings of
        // /proc taken independently just after (Linux, where CI runs); any positive number would
        // pass a bound like "rss > 32 MB" in a JVM with libtorch loaded
        if (System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            long rss = procKb("/proc/self/status", "VmRSS:") * 1024;
            assertEquals(rss, last.rssBytes(), 0.2 * rss, "rss sampled vs /proc/self/status");
            long available = procKb("/proc/meminfo", "MemAvailable:") * 1024;
            assertEquals(available, last.systemAvailableBytes(), 0.2 * available, "available memory vs /proc/meminfo");
        }
        assertNull(last.gpuUsedBytes());
        assertTrue(samples.stream().anyMatch(s -> s.processCpuPercent() > 20), samples.toString());

        List<PhaseTiming> phases = profiler.phases();
        assertEquals(List.of("load_model", "seed_0", "forward", "interrupted"), phases.stream().map(PhaseTiming::name).toList());
        assertTrue(phases.get(0).wallMs() >= 300 && phases.get(0).wallMs() < 3000, phases.toString());
        assertTrue(phases.get(1).wallMs() >= 200 && phases.get(1).wallMs() >= phases.get(2).wallMs() + 100, phases.toString());
        assertTrue(phases.get(2).startMs() >= phases.get(1).startMs());
        assertTrue(phases.get(0).finished());
        assertFalse(phases.get(3).finished());
        assertTrue(phases.get(3).wallMs() >= 60, phases.toString());

        int count = profiler.samples().size();
        Thread.sleep(150);
        assertEquals(count, profiler.samples().size(), "no samples after stop");

        Path file = profiler.writeTo(runDir);
        JsonNode json = new ObjectMapper().readTree(Files.readString(file));
        assertEquals(50, json.get("interval_ms").asInt());
        assertEquals(count, json.get("samples").size());
        assertTrue(json.get("samples").get(0).has("rss_bytes") && json.get("samples").get(0).has("process_cpu_percent"));
        assertEquals(phases.get(0).wallMs(), json.get("phase_totals_ms").get("load_model").asLong());
        assertTrue(json.get("peak_rss_bytes").asLong() >= last.rssBytes());
        assertTrue(json.get("gpu_note").asText().startsWith("GPU memory not sampled: the run is on cpu"));
        assertFalse(json.has("gpu_device"));
        assertTrue(json.get("wall_ms").asLong() >= phases.get(0).wallMs() + phases.get(1).wallMs());
        java.lang.ref.Reference.reachabilityFence(held);
    }

    private static long procKb(String file, String key) throws IOException {
        for (String line : Files.readAllLines(Path.of(file))) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no " + key + " in " + file);
    }

    @Test
    void stopFromAShutdownHookStyleThreadWhileRunning() throws Exception {
        Profiler profiler = Profiler.start(Duration.ofMillis(20), null);
        Profiler.Phase phase = profiler.phase("run");
        Thread hook = new Thread(() -> profiler.stopAndWriteQuietly(runDir));
        hook.start();
        hook.join(5000);
        assertFalse(hook.isAlive());
        assertTrue(profiler.stopped());
        phase.close();
        JsonNode json = new ObjectMapper().readTree(Files.readString(runDir.resolve("profile.json")));
        assertFalse(json.get("phases").get(0).get("finished").asBoolean());
        assertTrue(json.get("samples").size() >= 1);
    }
}

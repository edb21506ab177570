package lab.harness.profile;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import lab.io.AtomicFiles;
import oshi.SystemInfo;
import oshi.hardware.GlobalMemory;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/**
 * Samples the run's resources on a daemon thread (OSHI: process CPU and resident set, system
 * available memory; the JVM heap; CUDA memory when the run is on a GPU) and times its phases.
 *
 * <pre>{@code
 * Profiler profiler = Profiler.start(Duration.ofMillis(500), device);     // device: ai.djl.Device
 * Runtime.getRuntime().addShutdownHook(new Thread(() -> profiler.stopAndWriteQuietly(runDir)));
 * try (var phase = profiler.phase("load_model")) { ... }
 * ...
 * profiler.stop();
 * profiler.writeTo(runDir);                                               // profile.json
 * }</pre>
 *
 * {@link #stop()} is idempotent and safe from a shutdown hook: it never waits more than about a
 * second for the sampler, and phases still open are recorded as unfinished.
 */
public final class Profiler implements AutoCloseable {

    public static final String FILE_NAME = "profile.json";

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final Duration interval;
    private final Device gpu;
    private final String gpuNote;
    private final Instant startedAt = Instant.now();
    private final long startNanos = System.nanoTime();
    private final OperatingSystem os;
    private final GlobalMemory memory;
    private final int pid;
    private final int logicalCpus;
    private final ScheduledExecutorService sampler;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final List<ProfileSample> samples = new ArrayList<>();
    private final List<OpenPhase> phases = new ArrayList<>();
    private OSProcess previous;
    private long stoppedAtMs = -1;

    private Profiler(Duration interval, Device device) {
        this.interval = interval;
        SystemInfo system = new SystemInfo();
        this.os = system.getOperatingSystem();
        this.memory = system.getHardware().getMemory();
        this.logicalCpus = system.getHardware().getProcessor().getLogicalProcessorCount();
        this.pid = os.getProcessId();
        this.previous = os.getProcess(pid);
        String note = null;
        Device cuda = null;
        if (device == null || !device.isGpu()) {
            note = "GPU memory not sampled: the run is on " + (device == null ? "no device" : device);
        } else if (!CudaUtils.hasCuda()) {
            note = "GPU memory not sampled: the CUDA runtime is not available";
        } else {
            cuda = device;
        }
        this.gpu = cuda;
        this.gpuNote = note;
        this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "profiler-sampler");
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleAtFixedRate(this::sampleSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts sampling every {@code interval} (e.g. 500 ms); {@code device} may be null. */
    private final Map<String, Double> figures = new LinkedHashMap<>();

    public static Profiler start(Duration interval, Device device) {
        if (interval.toMillis() < 1) {
            throw new IllegalArgumentException("profiler interval must be at least 1 ms, not " + interval);
        }
        return new Profiler(interval, device);
    }

    /** A timed phase; close it (try-with-resources) when the phase ends. */
    public Phase phase(String name) {
        OpenPhase phase = new OpenPhase(name, elapsedMs());
        synchronized (this) {
            phases.add(phase);
        }
        return phase;
    }

    /** A phase in progress; closing it twice is harmless. */
    public interface Phase extends AutoCloseable {
        @Override
        void close();
    }

    private final class OpenPhase implements Phase {
        final String name;
        final long startMs;
        volatile long endMs = -1;

        OpenPhase(String name, long startMs) {
            this.name = name;
            this.startMs = startMs;
        }

        /** Ends the phase, unless the profiler already stopped (then it stays unfinished, as written). */
        @Override
        public void close() {
            if (endMs < 0 && !stopped.get()) {
                endMs = elapsedMs();
            }
        }

        PhaseTiming timing(long nowMs) {
            long end = endMs >= 0 ? endMs : nowMs;
            return new PhaseTiming(name, startMs, end - startMs, endMs >= 0);
        }
    }

    /** Stops sampling after one last sample; later calls do nothing. */
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        sampler.shutdownNow();
        try {
            sampler.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sampleSafely();
        synchronized (this) {
            stoppedAtMs = elapsedMs();
        }
    }

    @Override
    public void close() {
        stop();
    }

    public synchronized List<ProfileSample> samples() {
        return List.copyOf(samples);
    }

    public synchronized List<PhaseTiming> phases() {
        long now = stoppedAtMs >= 0 ? stoppedAtMs : elapsedMs();
        return phases.stream().map(p -> p.timing(now)).toList();
    }

    /** The whole profile as written to {@code profile.json}. */
    public synchronized ProfileReport report() {
        long wall = stoppedAtMs >= 0 ? stoppedAtMs : elapsedMs();
        List<PhaseTiming> timings = phases();
        Map<String, Long> totals = new LinkedHashMap<>();
        timings.forEach(t -> totals.merge(t.name(), t.wallMs(), Long::sum));
        long peakRss = samples.stream().mapToLong(ProfileSample::rssBytes).max().orElse(0);
        double meanCpu = samples.stream().skip(1).mapToDouble(ProfileSample::processCpuPercent).average().orElse(0);
        long minAvailable = samples.stream().mapToLong(ProfileSample::systemAvailableBytes).min().orElse(0);
        Long peakGpu = gpu == null ? null
                : samples.stream().map(ProfileSample::gpuUsedBytes).filter(v -> v != null).max(Long::compare).orElse(null);
        return new ProfileReport(startedAt.toString(), wall, interval.toMillis(), logicalCpus, timings, totals,
                peakRss, meanCpu, minAvailable, gpu == null ? null : gpu.toString(), peakGpu, gpuNote, List.copyOf(samples),
                new LinkedHashMap<>(figures));
    }

    /** A rate the run measured of itself, written with the profile (e.g. tokens per second). */
    public synchronized void figure(String name, double value) {
        figures.put(name, value);
    }

    /** Writes {@code profile.json} into the run directory atomically. */
    public Path writeTo(Path runDir) throws IOException {
        Path file = runDir.resolve(FILE_NAME);
        try {
            AtomicFiles.writeString(file, MAPPER.writeValueAsString(report()) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return file;
    }

    /** For shutdown hooks: stop, write, and swallow errors (reported on stderr). */
    public void stopAndWriteQuietly(Path runDir) {
        try {
            stop();
            writeTo(runDir);
        } catch (IOException | RuntimeException e) {
            System.err.println("profiler: could not write " + runDir.resolve(FILE_NAME) + ": " + e);
        }
    }

    private long elapsedMs() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private void sampleSafely() {
        try {
            sample();
        } catch (RuntimeException e) {
            // a failed sample (a /proc read racing exit) is skipped, never fatal to the run
        }
    }

    private synchronized void sample() {
        OSProcess current = os.getProcess(pid);
        double cpu = current == null || previous == null ? 0 : 100.0 * current.getProcessCpuLoadBetweenTicks(previous);
        long rss = current == null ? 0 : current.getResidentSetSize();
        if (current != null) {
            previous = current;
        }
        Long gpuUsed = null;
        if (gpu != null) {
            try {
                gpuUsed = CudaUtils.getGpuMemory(gpu).getUsed();
            } catch (RuntimeException | UnsatisfiedLinkError e) {
                gpuUsed = null;
            }
        }
        samples.add(new ProfileSample(elapsedMs(), cpu, rss,
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), memory.getAvailable(), gpuUsed));
    }

    /** Whether sampling has stopped. */
    public boolean stopped() {
        return stopped.get();
    }

    /** The GPU the profiler samples, if any. */
    public Optional<Device> gpu() {
        return Optional.ofNullable(gpu);
    }
}

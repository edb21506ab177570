package lab.harness.rundir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Tells a live RUNNING run from one whose process died without a word (kill -9, the OOM killer, a
 * time limit, a reboot): such a run's status.json says RUNNING for ever. On the host that ran it,
 * the run is STALE when no process has its pid, or the process that has it started at another
 * time (the pid was reused). On another host (or where the OS cannot say when a process started)
 * it is STALE when its heartbeat, refreshed every {@link #HEARTBEAT_INTERVAL} while it works, is
 * older than a limit. STALE is never written to status.json; {@code harness status --mark-stale}
 * and {@code harness run --resume} write KILLED.
 */
public final class RunLiveness {

    /** How often a working run refreshes its heartbeat. */
    public static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(30);
    /** Ten missed heartbeats: generous for a machine under load, short against a sweep of hours. */
    public static final Duration DEFAULT_HEARTBEAT_LIMIT = Duration.ofMinutes(5);
    /** Process start times from two readings of the boot time may differ by a second. */
    private static final Duration START_TOLERANCE = Duration.ofSeconds(2);

    /** A run directory as a reader sees it: the recorded status, and why it is STALE (null when it is not). */
    public record Observed(Path dir, RunStatus status, String staleReason) {

        public boolean stale() {
            return staleReason != null;
        }

        /** RUNNING, STALE, FINISHED, FAILED or KILLED. */
        public String state() {
            return stale() ? "STALE" : status.status().name();
        }

        public boolean finished() {
            return status.status() == RunState.FINISHED;
        }
    }

    private final String host;
    private final Clock clock;
    private final Duration heartbeatLimit;

    public RunLiveness(String host, Clock clock, Duration heartbeatLimit) {
        this.host = host;
        this.clock = clock;
        this.heartbeatLimit = heartbeatLimit;
    }

    /** On this machine, now, with the default heartbeat limit. */
    public static RunLiveness here() {
        return new RunLiveness(RunStatusFile.hostName(), Clock.systemUTC(), DEFAULT_HEARTBEAT_LIMIT);
    }

    /** The run directory's status as seen now; empty when it has no readable status.json. */
    public Optional<Observed> observe(Path runDir) {
        return RunStatusFile.read(runDir).map(s -> new Observed(runDir, s, staleReason(s)));
    }

    /** Every run directory directly under {@code root}, by name; a missing root has none. */
    public List<Observed> scan(Path root) throws IOException {
        List<Observed> runs = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return runs;
        }
        try (Stream<Path> children = Files.list(root)) {
            for (Path dir : children.filter(Files::isDirectory).sorted().toList()) {
                observe(dir).ifPresent(runs::add);
            }
        }
        return runs;
    }

    /** Why a RUNNING status belongs to no live process, or null when it may be alive (or has ended). */
    public String staleReason(RunStatus s) {
        if (s.status() != RunState.RUNNING) {
            return null;
        }
        if (host.equals(s.host()) && s.pid() > 0) {
            Optional<ProcessHandle> process = ProcessHandle.of(s.pid()).filter(ProcessHandle::isAlive);
            if (process.isEmpty()) {
                return "process " + s.pid() + " on " + s.host() + " is gone";
            }
            Optional<Instant> started = process.get().info().startInstant();
            if (started.isPresent() && s.processStartedAt() != null) {
                Instant recorded = Instant.parse(s.processStartedAt());
                if (Duration.between(recorded, started.get()).abs().compareTo(START_TOLERANCE) > 0) {
                    return "process " + s.pid() + " on " + s.host() + " started at " + recorded
                            + " is gone (that pid now belongs to a process started at " + started.get() + ")";
                }
                return null;
            }
        }
        Instant seen = Instant.parse(s.lastSeenAt());
        Duration silent = Duration.between(seen, clock.instant());
        if (silent.compareTo(heartbeatLimit) > 0) {
            return "no heartbeat for " + silent.toSeconds() + " s (limit " + heartbeatLimit.toSeconds() + " s; process "
                    + s.pid() + " on " + s.host() + ")";
        }
        return null;
    }
}

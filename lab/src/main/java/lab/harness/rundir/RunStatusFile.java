package lab.harness.rundir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import lab.io.AtomicFiles;

/**
 * A run directory's {@code status.json} (see {@link RunStatus} for the format), always written
 * atomically. The run orchestrator calls {@link #start} right after writing {@code config.json}
 * (or {@link #resume} to continue a run), {@link #heartbeat} while it works and {@link #checkpoint}
 * after each flush of the results, then exactly one of {@link #finished}, {@link #failed},
 * {@link #killed}. A battery's {@code --skip-existing} trusts only {@code FINISHED} (see
 * {@link FinishedRuns}). Ending twice keeps the first end (a shutdown hook racing the normal end
 * cannot turn FINISHED into KILLED), and an ended status takes no more heartbeats.
 */
public final class RunStatusFile {

    public static final String FILE_NAME = "status.json";

    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;
    private final Clock clock;
    private final Instant attemptStart;
    private final double earlierWallSeconds;
    private RunStatus current;

    private RunStatusFile(Path file, Clock clock, RunStatus current, double earlierWallSeconds) {
        this.file = file;
        this.clock = clock;
        this.attemptStart = clock.instant();
        this.earlierWallSeconds = earlierWallSeconds;
        this.current = current;
    }

    /** Writes {@code RUNNING} for a run of the config with this hash, by this process on this host. */
    public static RunStatusFile start(Path runDir, String configHash, String name, Clock clock) throws IOException {
        String now = clock.instant().toString();
        RunStatus status = new RunStatus(RunState.RUNNING, configHash, name, now, now, null, null,
                ProcessHandle.current().pid(), hostName(), processStart(), now, null, null, null, 0.0, null);
        RunStatusFile f = new RunStatusFile(runDir.resolve(FILE_NAME), clock, status, 0);
        f.write();
        return f;
    }

    public static RunStatusFile start(Path runDir, String configHash, String name) throws IOException {
        return start(runDir, configHash, name, Clock.systemUTC());
    }

    /**
     * Writes {@code RUNNING} again for a run that ended or whose process died, now worked on by
     * this process: its start, checkpoint, MLflow run id and time spent so far are kept.
     *
     * @throws IllegalArgumentException when the directory has no readable status.json
     */
    public static RunStatusFile resume(Path runDir, Clock clock) throws IOException {
        RunStatus old = read(runDir).orElseThrow(() -> new IllegalArgumentException(runDir.resolve(FILE_NAME)
                + " is missing or unreadable: not a run directory the harness wrote"));
        RunStatus status = old.resumedBy(ProcessHandle.current().pid(), hostName(), processStart(), clock.instant().toString());
        RunStatusFile f = new RunStatusFile(runDir.resolve(FILE_NAME), clock, status, wallSecondsSoFar(old));
        f.write();
        return f;
    }

    /**
     * Marks a run whose process is gone KILLED, ended at its last sign of life, with {@code reason}
     * as its error line; a status that already ended is left as it is.
     *
     * @return the status now on disk
     */
    public static RunStatus markKilled(Path runDir, String reason, Clock clock) throws IOException {
        RunStatus old = read(runDir).orElseThrow(() -> new IllegalArgumentException(runDir.resolve(FILE_NAME)
                + " is missing or unreadable"));
        if (old.status().ended()) {
            return old;
        }
        RunStatus killed = old.foundDead(reason, clock.instant().toString(), wallSecondsSoFar(old));
        AtomicFiles.writeString(runDir.resolve(FILE_NAME), MAPPER.writeValueAsString(killed) + "\n");
        return killed;
    }

    public synchronized RunStatus current() {
        return current;
    }

    /** Refreshes the heartbeat (and wall time) while the run works; nothing once it ended. */
    public synchronized void heartbeat() throws IOException {
        if (current.status().ended()) {
            return;
        }
        current = current.beating(clock.instant().toString(), wallSeconds());
        write();
    }

    /** Records that the first {@code seedsDone} seeds are in results.parquet as its first {@code rows} rows. */
    public synchronized void checkpoint(int seedsDone, int seedsTotal, int rows) throws IOException {
        if (current.status().ended()) {
            return;
        }
        current = current.withProgress(seedsDone, seedsTotal, rows).beating(clock.instant().toString(), wallSeconds());
        write();
    }

    /** Records the MLflow run that tracks this run, so that a resume or --mark-stale can find it. */
    public synchronized void trackedAs(String mlflowRunId) throws IOException {
        current = current.withMlflowRunId(mlflowRunId);
        write();
    }

    public void finished() throws IOException {
        end(RunState.FINISHED, null);
    }

    /** FAILED, with the error's one-line message. */
    public void failed(Throwable error) throws IOException {
        String message = error.getMessage() == null ? error.getClass().getName() : error.getMessage();
        end(RunState.FAILED, message.lines().findFirst().orElse(message));
    }

    public void killed() throws IOException {
        end(RunState.KILLED, null);
    }

    private synchronized void end(RunState state, String error) throws IOException {
        if (current.status().ended()) {
            return;
        }
        current = current.ended(state, error, clock.instant().toString(), wallSeconds());
        write();
    }

    private double wallSeconds() {
        return earlierWallSeconds + Duration.between(attemptStart, clock.instant()).toMillis() / 1000.0;
    }

    /** Time spent on a run by its earlier attempts: recorded, else (older files) start to last sign of life. */
    private static double wallSecondsSoFar(RunStatus s) {
        if (s.wallSeconds() != null) {
            return s.wallSeconds();
        }
        String end = s.endedAt() != null ? s.endedAt() : s.lastSeenAt();
        return Duration.between(Instant.parse(s.startedAt()), Instant.parse(end)).toMillis() / 1000.0;
    }

    private void write() throws IOException {
        AtomicFiles.writeString(file, MAPPER.writeValueAsString(current) + "\n");
    }

    /** The status of a run directory; empty when it has no (readable) {@code status.json}. */
    public static Optional<RunStatus> read(Path runDir) {
        try {
            return Optional.of(MAPPER.readValue(Files.readString(runDir.resolve(FILE_NAME)), RunStatus.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            // half-written by a foreign tool or hand-edited: treat as no status, never as FINISHED
            return Optional.empty();
        }
    }

    /** When this process started, as the OS reports it (null where it cannot tell). */
    static String processStart() {
        return ProcessHandle.current().info().startInstant().map(Instant::toString).orElse(null);
    }

    /** This machine's name as status.json records it: $HOSTNAME, else the resolver's. */
    public static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}

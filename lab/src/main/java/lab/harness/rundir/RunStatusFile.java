package lab.harness.rundir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import lab.io.AtomicFiles;

/**
 * A run directory's {@code status.json} (see {@link RunStatus} for the format), always written
 * atomically. The run orchestrator calls {@link #start} right after writing {@code config.json},
 * then exactly one of {@link #finished}, {@link #failed}, {@link #killed}. A battery's
 * {@code --skip-existing} trusts only {@code FINISHED} (see {@link FinishedRuns}). Ending twice
 * keeps the first end (a shutdown hook racing the normal end cannot turn FINISHED into KILLED).
 */
public final class RunStatusFile {

    public static final String FILE_NAME = "status.json";

    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;
    private final Clock clock;
    private RunStatus current;

    private RunStatusFile(Path file, Clock clock, RunStatus current) {
        this.file = file;
        this.clock = clock;
        this.current = current;
    }

    /** Writes {@code RUNNING} for a run of the config with this hash. */
    public static RunStatusFile start(Path runDir, String configHash, String name, Clock clock) throws IOException {
        String now = clock.instant().toString();
        RunStatus status = new RunStatus(RunState.RUNNING, configHash, name, now, now, null, null,
                ProcessHandle.current().pid(), hostName());
        RunStatusFile f = new RunStatusFile(runDir.resolve(FILE_NAME), clock, status);
        f.write();
        return f;
    }

    public static RunStatusFile start(Path runDir, String configHash, String name) throws IOException {
        return start(runDir, configHash, name, Clock.systemUTC());
    }

    public synchronized RunStatus current() {
        return current;
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
        current = current.ended(state, error, clock.instant().toString());
        write();
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

    /** This machine's name ($HOSTNAME, else the resolver's), as status.json records it. */
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

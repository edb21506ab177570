package lab.harness.battery;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import lab.harness.rundir.RunDirectories;
import lab.io.AtomicFiles;

/**
 * A battery laid out on disk for executors that run its tasks in other processes (local child
 * processes, Slurm job arrays): {@code <root>/<battery>_<yyyyMMdd-HHmmss>/} holding
 * <pre>
 * manifest.json          index, run name, config hash, config path per run ({@link BatteryManifest})
 * configs/&lt;i&gt;.json      the resolved config of task i
 * tasks/&lt;i&gt;.log          task i's output (stdout and stderr)
 * tasks/&lt;i&gt;.started.json, tasks/&lt;i&gt;.exit.json   ({@link TaskRecords})
 * submission.json        how the tasks were launched ({@link Submission})
 * slurm/                 the sbatch scripts and the merge job's log (slurm only)
 * battery_summary.json, .csv, leaderboard.{csv,json,md,html}   written by the merge
 * </pre>
 * Every file is written atomically. The run directories themselves live under each config's
 * {@code output.root}, as for {@code harness run}.
 */
public final class BatteryDirectory {

    public static final String MANIFEST = "manifest.json";
    public static final String SUBMISSION = "submission.json";

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path dir;

    private BatteryDirectory(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    /** An existing battery directory; a clear error when it has no manifest. */
    public static BatteryDirectory open(Path dir) {
        if (!Files.isRegularFile(dir.resolve(MANIFEST))) {
            throw new IllegalArgumentException(dir + " is not a battery directory (no " + MANIFEST + "); it is the"
                    + " folder `harness battery BATTERY.json --executor local|slurm` printed");
        }
        return new BatteryDirectory(dir);
    }

    /**
     * Creates the directory for the planned runs ({@link PlannedRun.Action#RUN} and, as already
     * finished, {@link PlannedRun.Action#SKIP_EXISTING}) and writes their configs and the manifest.
     */
    public static BatteryDirectory create(Path root, Battery battery, List<PlannedRun> plan, Path baseDir, Clock clock)
            throws IOException {
        BatteryDirectory d = new BatteryDirectory(RunDirectories.createUnique(root, RunDirectories.stampedName(battery.name(), clock)));
        Files.createDirectories(d.dir.resolve("configs"));
        Files.createDirectories(d.dir.resolve("tasks"));
        List<BatteryManifest.Entry> entries = new ArrayList<>();
        for (PlannedRun p : plan) {
            if (p.action() == PlannedRun.Action.OVER_MAX_RUNS) {
                continue;
            }
            int index = entries.size();
            String config = "configs/" + index + ".json";
            p.run().config().writeTo(d.dir.resolve(config));
            String existing = p.action() == PlannedRun.Action.SKIP_EXISTING
                    ? p.finishedRun().get().toAbsolutePath().normalize().toString() : null;
            entries.add(new BatteryManifest.Entry(index, p.run().name(), p.run().config().hash(), config, existing));
        }
        BatteryManifest manifest = new BatteryManifest(battery.name(), battery.file().toAbsolutePath().normalize().toString(),
                baseDir.toAbsolutePath().normalize().toString(), clock.instant().toString(), entries);
        writeJson(d.dir.resolve(MANIFEST), manifest);
        return d;
    }

    public Path path() {
        return dir;
    }

    public BatteryManifest manifest() {
        return readJson(dir.resolve(MANIFEST), BatteryManifest.class)
                .orElseThrow(() -> new IllegalArgumentException(dir.resolve(MANIFEST) + " is missing or unreadable"));
    }

    public Path config(BatteryManifest.Entry entry) {
        return dir.resolve(entry.config());
    }

    public Path taskLog(int index) {
        return dir.resolve("tasks").resolve(index + ".log");
    }

    Path startedFile(int index) {
        return dir.resolve("tasks").resolve(index + ".started.json");
    }

    Path exitFile(int index) {
        return dir.resolve("tasks").resolve(index + ".exit.json");
    }

    public Path slurmDir() {
        return dir.resolve("slurm");
    }

    public Optional<TaskRecords.Started> started(int index) {
        return readJson(startedFile(index), TaskRecords.Started.class);
    }

    public Optional<TaskRecords.Exit> exit(int index) {
        return readJson(exitFile(index), TaskRecords.Exit.class);
    }

    public Optional<Submission> submission() {
        return readJson(dir.resolve(SUBMISSION), Submission.class);
    }

    public void writeSubmission(Submission submission) throws IOException {
        writeJson(dir.resolve(SUBMISSION), submission);
    }

    void writeStarted(TaskRecords.Started started) throws IOException {
        writeJson(startedFile(started.index()), started);
    }

    void writeExit(TaskRecords.Exit exit) throws IOException {
        writeJson(exitFile(exit.index()), exit);
    }

    /** The last non-blank line of task i's log, if it has one. */
    public Optional<String> lastLogLine(int index) {
        try {
            List<String> lines = Files.readAllLines(taskLog(index));
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    return Optional.of(lines.get(i).strip());
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static void writeJson(Path file, Object value) throws IOException {
        AtomicFiles.writeString(file, JSON.writeValueAsString(value) + "\n");
    }

    static <T> Optional<T> readJson(Path file, Class<T> type) {
        try {
            return Optional.of(JSON.readValue(Files.readString(file), type));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            // written atomically, so unreadable means hand-edited or foreign: treat as absent
            return Optional.empty();
        }
    }
}

package lab.tracking;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The root folder of an MLflow file store ("mlruns"): creates a new store the way MLflow does
 * (Default experiment {@code 0/} and {@code .trash/}) and finds or creates experiments by name.
 * Runs inside an experiment are {@link FileStoreRunTracker}'s business.
 */
final class MlflowFileStore {

    static final String DEFAULT_EXPERIMENT_ID = "0";
    static final String DEFAULT_EXPERIMENT_NAME = "Default";
    static final String TRASH_FOLDER = ".trash";
    /** MLflow's model registry shares the root folder; it is not an experiment. */
    static final String MODELS_FOLDER = "models";
    /**
     * Held while looking up or creating an experiment, so two harness processes starting runs of
     * a new experiment at once create it once. MLflow only lists folders, so this file is ignored
     * by it; it is left in place because deleting a lock file others may wait on is racy.
     */
    static final String LOCK_FILE = ".lab-tracking.lock";

    private static final Logger log = LoggerFactory.getLogger(MlflowFileStore.class);
    // FileChannel locks are per process: threads of one JVM must also exclude each other.
    private static final Object JVM_LOCK = new Object();

    /** An experiment folder and where its runs' artifacts go. */
    record Experiment(String id, String name, Path dir, String artifactLocation) {
    }

    private final Path root;
    private final Clock clock;

    MlflowFileStore(Path root, Clock clock) {
        this.root = root.toAbsolutePath().normalize();
        this.clock = clock;
    }

    Path root() {
        return root;
    }

    /**
     * The active experiment called {@code name}, created (with a new numeric id) when there is
     * none. Creates the store itself first when the root folder is missing or empty.
     *
     * @throws TrackingException if an experiment of that name exists but is deleted (in
     *     {@code .trash/}): MLflow would refuse to create a second one of the same name, and
     *     logging into the deleted one would hide the run
     */
    Experiment experimentNamed(String name) {
        MlflowNames.checkExperimentName(name);
        try {
            synchronized (JVM_LOCK) {
                Files.createDirectories(root);
                if (!Files.isDirectory(root)) {
                    throw new TrackingException("MLflow file store root " + root + " is not a directory");
                }
                // the store itself is set up under the lock too: two processes finding an empty root at
                // once (the first runs of a battery) must not both write the Default experiment
                try (FileChannel channel = FileChannel.open(root.resolve(LOCK_FILE),
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock ignored = channel.lock()) {
                    initializeIfNew();
                    Optional<Experiment> existing = findIn(root, name);
                    if (existing.isPresent()) {
                        return existing.get();
                    }
                    Optional<Experiment> deleted = findIn(root.resolve(TRASH_FOLDER), name);
                    if (deleted.isPresent()) {
                        throw new TrackingException("MLflow experiment '" + name + "' (id "
                                + deleted.get().id() + ") is deleted: it is in " + root.resolve(TRASH_FOLDER)
                                + ". Restore it (mlflow experiments restore) or remove it for good "
                                + "(mlflow gc) before logging to that name again.");
                    }
                    return create(name);
                }
            }
        } catch (IOException e) {
            throw new TrackingException("cannot open experiment '" + name + "' in MLflow file store "
                    + root + ": " + e.getMessage(), e);
        }
    }

    /** The folder of the run with this id, in whichever active experiment holds it. */
    Optional<Path> runFolder(String runId) {
        if (!runId.matches("[0-9a-f]{32}")) {
            return Optional.empty();
        }
        try {
            for (Path experiment : experimentDirs(root)) {
                Path run = experiment.resolve(runId);
                if (Files.isRegularFile(run.resolve(MetaYaml.FILE_NAME))) {
                    return Optional.of(run);
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new TrackingException("cannot list MLflow file store " + root + ": " + e.getMessage(), e);
        }
    }

    /** A root holding nothing but our lock file becomes a store holding only the Default experiment. */
    private void initializeIfNew() throws IOException {
        boolean isNew = isEmptyDirectory(root);
        Files.createDirectories(root.resolve(TRASH_FOLDER));
        if (isNew) {
            writeExperiment(DEFAULT_EXPERIMENT_ID, DEFAULT_EXPERIMENT_NAME);
        }
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.allMatch(p -> p.getFileName().toString().equals(LOCK_FILE));
        }
    }

    private Optional<Experiment> findIn(Path parent, String name) throws IOException {
        for (Path dir : experimentDirs(parent)) {
            Map<String, Object> meta;
            try {
                meta = MetaYaml.read(dir);
            } catch (IOException | RuntimeException e) {
                // MLflow skips such a folder too; say so, since the name cannot be matched
                log.warn("skipping {}: unreadable {} ({})", dir, MetaYaml.FILE_NAME, e.getMessage());
                continue;
            }
            if (name.equals(String.valueOf(meta.get("name")))) {
                String id = String.valueOf(meta.get("experiment_id"));
                Object location = meta.get("artifact_location");
                return Optional.of(new Experiment(id, name, dir,
                        location == null ? fileUri(dir) : location.toString()));
            }
        }
        return Optional.empty();
    }

    /** Sub-folders holding a meta.yaml, lowest numeric id first (so the oldest duplicate wins). */
    private static List<Path> experimentDirs(Path parent) throws IOException {
        if (!Files.isDirectory(parent)) {
            return List.of();
        }
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> entries = Files.list(parent)) {
            entries.filter(Files::isDirectory)
                    .filter(d -> !d.getFileName().toString().equals(TRASH_FOLDER))
                    .filter(d -> !d.getFileName().toString().equals(MODELS_FOLDER))
                    .filter(d -> Files.isRegularFile(d.resolve(MetaYaml.FILE_NAME)))
                    .forEach(dirs::add);
        }
        dirs.sort((a, b) -> compareIds(a.getFileName().toString(), b.getFileName().toString()));
        return dirs;
    }

    private static int compareIds(String a, String b) {
        BigInteger x = numericId(a);
        BigInteger y = numericId(b);
        if (x != null && y != null) {
            return x.compareTo(y);
        }
        return x != null ? -1 : y != null ? 1 : a.compareTo(b);
    }

    private static BigInteger numericId(String folderName) {
        return folderName.matches("\\d{1,40}") ? new BigInteger(folderName) : null;
    }

    /** Claims the next free numeric id (active or deleted) and writes its meta.yaml. */
    private Experiment create(String name) throws IOException {
        BigInteger next = BigInteger.ONE;
        for (Path parent : List.of(root, root.resolve(TRASH_FOLDER))) {
            try (Stream<Path> entries = Files.list(parent)) {
                for (Path p : (Iterable<Path>) entries::iterator) {
                    BigInteger id = numericId(p.getFileName().toString());
                    if (id != null && id.compareTo(next) >= 0) {
                        next = id.add(BigInteger.ONE);
                    }
                }
            }
        }
        String id = next.toString();
        Files.createDirectory(root.resolve(id)); // fails rather than reuse a folder
        return writeExperiment(id, name);
    }

    private Experiment writeExperiment(String id, String name) throws IOException {
        Path dir = Files.createDirectories(root.resolve(id));
        long now = clock.millis();
        String location = fileUri(dir);
        Map<String, Object> meta = new TreeMap<>();
        meta.put("artifact_location", location);
        meta.put("creation_time", now);
        meta.put("experiment_id", id);
        meta.put("last_update_time", now);
        meta.put("lifecycle_stage", "active");
        meta.put("name", name);
        MetaYaml.write(dir, meta);
        log.info("created MLflow experiment '{}' (id {}) in {}", name, id, root);
        return new Experiment(id, name, dir, location);
    }

    /**
     * {@code file:///abs/path} without a trailing slash and with non-ASCII percent-encoded, as
     * Python's {@code pathlib.Path.as_uri()} (what MLflow writes) gives it.
     */
    static String fileUri(Path path) {
        String uri = path.toAbsolutePath().normalize().toUri().toASCIIString();
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }
}

package lab.harness.rundir;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import lab.harness.config.CanonicalJson;

/**
 * The finished runs under an output root, by config hash. A run counts as finished when its
 * directory (a direct child of the root) holds a {@code config.json} whose canonical SHA-256 is
 * the hash asked for, and a {@code status.json} that says {@code FINISHED} (so a STALE run, RUNNING
 * with its process gone, is not finished: --skip-existing runs it again, or it is resumed). The hash is computed
 * from {@code config.json} itself, not taken from {@code status.json}, so a hand-edited config no
 * longer counts as the run it was.
 */
public final class FinishedRuns {

    public static final String CONFIG_FILE = "config.json";

    private final Map<String, List<Path>> byHash;

    private FinishedRuns(Map<String, List<Path>> byHash) {
        this.byHash = byHash;
    }

    /** Scans {@code root}; a missing root has no runs. */
    public static FinishedRuns scan(Path root) throws IOException {
        Map<String, List<Path>> byHash = new HashMap<>();
        if (!Files.isDirectory(root)) {
            return new FinishedRuns(byHash);
        }
        try (Stream<Path> children = Files.list(root)) {
            for (Path dir : children.filter(Files::isDirectory).sorted().toList()) {
                Optional<RunStatus> status = RunStatusFile.read(dir);
                if (status.isEmpty() || status.get().status() != RunState.FINISHED) {
                    continue;
                }
                configHash(dir).ifPresent(hash -> byHash.computeIfAbsent(hash, h -> new ArrayList<>()).add(dir));
            }
        }
        return new FinishedRuns(byHash);
    }

    /** A finished run directory of the config with this hash (the last by name, i.e. the newest). */
    public Optional<Path> find(String configHash) {
        List<Path> dirs = byHash.get(configHash);
        return dirs == null ? Optional.empty() : Optional.of(dirs.get(dirs.size() - 1));
    }

    /** SHA-256 of the canonical form of a run directory's {@code config.json}, if it has a readable one. */
    public static Optional<String> configHash(Path runDir) {
        Path file = runDir.resolve(CONFIG_FILE);
        try {
            JsonNode tree = RunStatusFile.MAPPER.readTree(Files.readString(file));
            return tree == null || !tree.isObject() ? Optional.empty() : Optional.of(CanonicalJson.sha256(tree));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}

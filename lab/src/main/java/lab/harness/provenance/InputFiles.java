package lab.harness.provenance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import lab.io.AtomicFiles;

/**
 * The files a run read besides its model, corpus and split (an SAE's folder, a reference corpus, a
 * finished run the experiment chose heads from), known only once the experiment has prepared: they
 * are added to the run's {@code provenance.json} as {@code input_files} (path relative to the project
 * root when inside it, size, SHA-256; a folder as every file under it), and a resume compares them.
 */
public final class InputFiles {

    static final String FIELD = "input_files";

    private InputFiles() {
    }

    /** Writes {@code paths}' digests into the run's provenance.json (atomically); nothing when there are none. */
    public static void record(Path runDir, Path base, List<Path> paths) throws IOException {
        List<FileDigest> digests = digest(base, paths);
        if (digests.isEmpty()) {
            return;
        }
        Path file = runDir.resolve(Provenance.FILE_NAME);
        ObjectNode tree = (ObjectNode) Provenance.MAPPER.readTree(Files.readString(file));
        tree.set(FIELD, Provenance.MAPPER.valueToTree(digests));
        AtomicFiles.writeString(file, Provenance.MAPPER.writeValueAsString(tree) + "\n");
    }

    /** Each file once, folders expanded in sorted order. */
    static List<FileDigest> digest(Path base, List<Path> paths) throws IOException {
        Map<Path, FileDigest> digests = new LinkedHashMap<>();
        for (Path path : paths) {
            List<Path> files;
            if (Files.isDirectory(path)) {
                try (Stream<Path> walk = Files.walk(path)) {
                    files = walk.filter(Files::isRegularFile).sorted().toList();
                }
            } else {
                files = List.of(path);
            }
            for (Path f : files) {
                Path absolute = f.toAbsolutePath().normalize();
                if (!digests.containsKey(absolute)) {
                    digests.put(absolute, FileDigest.of(absolute, Provenance.shown(base, absolute)));
                }
            }
        }
        return List.copyOf(digests.values());
    }

    /**
     * "path (changed)" or "path (removed)" for every recorded input file that is no longer what it
     * was; a relative path resolves against {@code base}, the resuming run's project root, as the
     * run's own relative parameters do.
     */
    static List<String> changed(JsonNode provenance, Path base) throws IOException {
        List<String> changed = new ArrayList<>();
        for (JsonNode f : provenance.path(FIELD)) {
            String path = f.path("path").asText();
            Path file = base.resolve(path);
            if (!Files.isRegularFile(file)) {
                changed.add(path + " (removed)");
            } else if (!FileDigest.of(file).sha256().equals(f.path("sha256").asText())) {
                changed.add(path + " (changed)");
            }
        }
        return changed;
    }
}

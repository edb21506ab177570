package lab.harness.provenance;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The files a run read besides its model, corpus and split (an SAE's folder, a reference corpus, a
 * finished run the experiment chose heads from), added to the run's {@code provenance.json}:
 * {@code input_files} (path relative to the project root when inside it, size, SHA-256; a folder as
 * every file under it) and {@code input_folders} (each folder with the names of its files, so that a
 * file added later shows too). A resume compares them.
 */
public final class InputFiles {

    static final String FILES = "input_files";
    static final String FOLDERS = "input_folders";

    /** A folder input and the files under it, relative to it, sorted. */
    record Folder(String path, List<String> files) {
    }

    private InputFiles() {
    }

    /** Writes {@code paths}' digests into the run's provenance.json (atomically), replacing any; nothing when there are none. */
    public static void record(Path runDir, Path base, List<Path> paths) throws IOException {
        List<FileDigest> digests = digest(base, paths);
        if (digests.isEmpty()) {
            return;
        }
        List<Folder> folders = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                Path absolute = path.toAbsolutePath().normalize();
                folders.add(new Folder(Provenance.shown(base, absolute), listing(absolute)));
            }
        }
        Provenance.update(runDir, tree -> {
            tree.set(FILES, Provenance.MAPPER.valueToTree(digests));
            if (folders.isEmpty()) {
                tree.remove(FOLDERS);
            } else {
                tree.set(FOLDERS, Provenance.MAPPER.valueToTree(folders));
            }
        });
    }

    /** Each file once, folders expanded in sorted order. */
    static List<FileDigest> digest(Path base, List<Path> paths) throws IOException {
        Map<Path, FileDigest> digests = new LinkedHashMap<>();
        for (Path path : paths) {
            Path absolute = path.toAbsolutePath().normalize();
            List<Path> files = Files.isDirectory(absolute)
                    ? listing(absolute).stream().map(absolute::resolve).toList() : List.of(absolute);
            for (Path f : files) {
                if (!digests.containsKey(f)) {
                    digests.put(f, FileDigest.of(f, Provenance.shown(base, f)));
                }
            }
        }
        return List.copyOf(digests.values());
    }

    /** Every regular file under {@code folder}, as paths relative to it with '/', sorted. */
    private static List<String> listing(Path folder) throws IOException {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile).map(f -> folder.relativize(f).toString().replace('\\', '/')).sorted().toList();
        }
    }

    /**
     * "path (changed)", "path (removed)" or "path (new)" for every recorded input that is no longer
     * what it was; a relative path resolves against {@code base}, the resuming run's project root, as
     * the run's own relative parameters do.
     */
    static List<String> changed(JsonNode provenance, Path base) throws IOException {
        List<String> changed = new ArrayList<>();
        for (JsonNode f : provenance.path(FILES)) {
            String path = f.path("path").asText();
            Path file = base.resolve(path);
            if (!Files.isRegularFile(file)) {
                changed.add(path + " (removed)");
            } else if (!FileDigest.of(file).sha256().equals(f.path("sha256").asText())) {
                changed.add(path + " (changed)");
            }
        }
        for (JsonNode folder : provenance.path(FOLDERS)) {
            String path = folder.path("path").asText();
            Path dir = base.resolve(path);
            if (!Files.isDirectory(dir)) {
                continue; // its files are reported removed above
            }
            TreeSet<String> now = new TreeSet<>(listing(dir));
            folder.path("files").forEach(name -> now.remove(name.asText()));
            now.forEach(name -> changed.add(path + "/" + name + " (new)"));
        }
        return changed;
    }
}

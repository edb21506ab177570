package lab.tracking;

import lab.io.AtomicFiles;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The files of a local folder as MLflow artifacts: which files, under which artifact paths, and
 * copying them into a {@code file:} artifact location.
 */
final class LocalArtifacts {

    /** One file to log and the artifact path ("sub/dir/file.txt", '/'-separated) it gets. */
    record Entry(Path file, String artifactPath) {
    }

    private LocalArtifacts() {
    }

    /**
     * Every regular file under {@code dir}, sorted, each under {@code prefix} (may be null or
     * empty) plus its path relative to {@code dir}. Empty folders are not artifacts (MLflow does
     * not log them either).
     */
    static List<Entry> list(Path dir, String prefix) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("artifact folder " + dir + " is not a directory");
        }
        String base = checkArtifactPath(prefix);
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .sorted()
                    .map(f -> new Entry(f, join(base, relative(dir, f))))
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new TrackingException("cannot list artifact folder " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Copies every entry below {@code artifactRoot}, each file atomically via {@code stagingDir}. */
    static void copy(List<Entry> entries, Path artifactRoot, Path stagingDir) {
        for (Entry entry : entries) {
            Path target = artifactRoot.resolve(entry.artifactPath());
            try {
                AtomicFiles.copy(entry.file(), target, stagingDir);
            } catch (IOException e) {
                throw new TrackingException("cannot copy artifact " + entry.file() + " to " + target
                        + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * The local folder of a {@code file:} artifact URI, or of a plain path (old MLflow stores
     * wrote those); null for any other scheme (s3:, mlflow-artifacts:, ...).
     */
    static Path localPathOf(String artifactUri) {
        if (artifactUri.startsWith("file:")) {
            try {
                return Path.of(URI.create(artifactUri));
            } catch (IllegalArgumentException e) {
                // not a well-formed URI (an unescaped space, say): take the path part as is
                return Path.of(artifactUri.replaceFirst("^file:(//)?", ""));
            }
        }
        if (artifactUri.matches("^[A-Za-z][A-Za-z0-9+.-]+:.*")) {
            return null;
        }
        return Path.of(artifactUri);
    }

    /** Null/empty, or a relative '/'-separated path that stays inside the artifact root. */
    static String checkArtifactPath(String path) {
        if (path == null || path.isEmpty()) {
            return "";
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")
                    || segment.contains("\\")) {
                throw new IllegalArgumentException("invalid artifact path '" + path
                        + "': must be relative, '/'-separated, without empty, '.' or '..' parts");
            }
        }
        return path;
    }

    private static String relative(Path dir, Path file) {
        StringBuilder out = new StringBuilder();
        for (Path part : dir.relativize(file)) {
            if (out.length() > 0) {
                out.append('/');
            }
            out.append(part);
        }
        return out.toString();
    }

    private static String join(String base, String rel) {
        return base.isEmpty() ? rel : base + "/" + rel;
    }
}

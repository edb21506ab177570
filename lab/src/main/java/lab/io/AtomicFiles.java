package lab.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Writes a file so that readers see either the old content or the whole new one: into a temp
 * file, forced to disk, then renamed over the target. A crash or Ctrl+C mid-write leaves at most
 * a stray temp file (named {@code .<target>.<uuid>.tmp}, hidden from globs like {@code *.parquet}),
 * never a half-written target.
 *
 * <p>The temp file sits beside the target unless the caller names a staging folder on the same
 * file system: MLflow reads every file under a run's metrics/, params/ and tags/ as data, so a
 * temp file left there would show up as a bogus metric.
 */
public final class AtomicFiles {

    /** Writes the content to a stream. */
    @FunctionalInterface
    public interface StreamWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes the content to a (temporary) file path, for writers that want a path (Parquet). */
    @FunctionalInterface
    public interface FileWriter {
        void writeTo(Path temporaryFile) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * Deletes the temp files that killed writes of {@code target} left beside it (not the target):
     * for a job that rewrites a large file often and is killed mid-write.
     */
    public static void deleteStrays(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        String prefix = "." + absolute.getFileName() + ".";
        try (var siblings = Files.list(absolute.getParent())) {
            for (Path p : siblings.filter(p -> p.getFileName().toString().startsWith(prefix)
                    && p.getFileName().toString().endsWith(".tmp")).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    public static void writeString(Path target, String content) throws IOException {
        writeBytes(target, content.getBytes(StandardCharsets.UTF_8));
    }

    public static void writeBytes(Path target, byte[] content) throws IOException {
        write(target, out -> out.write(content));
    }

    /** Replaces target with bytes, the temp file staged in {@code stagingDir}. */
    public static void writeBytes(Path target, byte[] content, Path stagingDir) throws IOException {
        replace(target, stagingDir, temp -> Files.write(temp, content, StandardOpenOption.WRITE));
    }

    public static void write(Path target, StreamWriter writer) throws IOException {
        writeFile(target, temp -> {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp, StandardOpenOption.WRITE), 1 << 16)) {
                writer.writeTo(out);
            }
        });
    }

    public static void writeFile(Path target, FileWriter writer) throws IOException {
        replace(target, target.toAbsolutePath().getParent(), writer);
    }

    /** Copies source to target, complete or not at all, staging in {@code stagingDir}. */
    public static void copy(Path source, Path target, Path stagingDir) throws IOException {
        replace(target, stagingDir, temp -> {
            try (InputStream in = Files.newInputStream(source);
                 OutputStream out = Files.newOutputStream(temp, StandardOpenOption.WRITE)) {
                in.transferTo(out);
            }
        });
    }

    private static void replace(Path target, Path stagingDir, FileWriter writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Files.createDirectories(stagingDir);
        // createFile, not createTempFile: the latter makes the file owner-only (0600) and the rename
        // would carry that over to the result
        Path temp = Files.createFile(stagingDir.resolve("." + absolute.getFileName() + "." + UUID.randomUUID() + ".tmp"));
        try {
            writer.writeTo(temp);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                // some network mounts refuse atomic rename; a plain replace still never exposes a partial file
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}

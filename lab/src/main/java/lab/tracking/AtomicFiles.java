package lab.tracking;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Writes files so that a reader sees either the old content or the new, never a part: the bytes
 * go to a temp file, are forced to disk, and the temp file is renamed over the target.
 *
 * <p>The temp file lives in a caller-chosen staging folder on the same file system, not always
 * next to the target: MLflow reads every file under a run's {@code metrics/}, {@code params/} and
 * {@code tags/} as data, so a temp file left there by a killed JVM would show up as a bogus
 * metric (or make the whole experiment unreadable). The run folder itself is such a staging
 * folder: MLflow ignores plain files in it.
 */
final class AtomicFiles {

    static final String TEMP_PREFIX = ".tmp-";

    private AtomicFiles() {
    }

    /** Replaces {@code target} with {@code content}, staging the temp file in {@code stagingDir}. */
    static void write(Path target, byte[] content, Path stagingDir) throws IOException {
        Path temp = newTempFile(stagingDir);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                var buffer = java.nio.ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            moveIntoPlace(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Replaces {@code target} with {@code target}'s folder-sibling temp (same folder staging). */
    static void write(Path target, byte[] content) throws IOException {
        write(target, content, target.toAbsolutePath().getParent());
    }

    /** Copies {@code source} to {@code target} the same way: complete or not at all. */
    static void copy(Path source, Path target, Path stagingDir) throws IOException {
        Path temp = newTempFile(stagingDir);
        try {
            try (InputStream in = Files.newInputStream(source);
                 OutputStream out = Files.newOutputStream(temp, StandardOpenOption.WRITE)) {
                in.transferTo(out);
            }
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            moveIntoPlace(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static Path newTempFile(Path stagingDir) throws IOException {
        Files.createDirectories(stagingDir);
        return Files.createFile(stagingDir.resolve(TEMP_PREFIX + UUID.randomUUID()));
    }

    private static void moveIntoPlace(Path temp, Path target) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            // rename(2): replaces an existing target in one step
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + temp + " onto " + target
                    + " atomically (staging folder on another file system?)", e);
        }
    }
}

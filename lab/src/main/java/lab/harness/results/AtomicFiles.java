package lab.harness.results;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * Writes a file so that readers only ever see the previous complete version or the new complete
 * version, never a half-written one: the content goes to a temporary file in the SAME directory
 * (a rename is only atomic within one file system) and is then renamed over the target.
 *
 * <p>If writing fails, or the JVM dies mid-write, the target is untouched; the temporary file is
 * deleted on failure, and its name starts with '.' and ends in '.tmp' so an abandoned one (after a
 * kill -9) is recognisable and hidden from glob patterns such as {@code *.parquet}.
 */
public final class AtomicFiles {

    /** Writes the complete content to the given (temporary) path. */
    @FunctionalInterface
    public interface ContentWriter {
        void writeTo(Path temporaryFile) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * Runs {@code writer} on a fresh temporary file next to {@code target}, then moves it over
     * {@code target}. Parent directories are created.
     */
    public static void write(Path target, ContentWriter writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        // Not Files.createTempFile: that creates the file owner-only (0600), and the rename would
        // carry those permissions to the result. createFile uses the process umask like any file.
        Path temp = Files.createFile(dir.resolve("." + absolute.getFileName() + "." + UUID.randomUUID() + ".tmp"));
        boolean moved = false;
        try {
            writer.writeTo(temp);
            moveIntoPlace(temp, absolute);
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /** Atomically replaces {@code target} with UTF-8 {@code text}. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, temp -> {
            try (Writer w = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                w.write(text);
            }
        });
    }

    private static void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // Some file systems (certain network mounts) refuse ATOMIC_MOVE; a plain replace is the
            // best they offer and still never exposes a partially written temp file's content.
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}

package lab.harness.rundir;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.format.DateTimeFormatter;

/**
 * Run directories: {@code <output.root>/<name>_<yyyyMMdd-HHmmss>_<hash8>}, the name sanitised to
 * {@code [A-Za-z0-9._-]} (other characters, including the slashes of battery run names, become
 * {@code -}), the time in the clock's zone. A second run of the same config in the same second
 * gets {@code -2}, {@code -3}, ... appended; creation is atomic, so concurrent runs never share one.
 */
public final class RunDirectories {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final int MAX_NAME = 80;

    private RunDirectories() {
    }

    /** The directory name (without any uniqueness suffix). */
    public static String directoryName(String name, String hash8, Clock clock) {
        return stampedName(name, clock) + "_" + hash8;
    }

    /** {@code <sanitised name>_<yyyyMMdd-HHmmss>} (battery directories are named so). */
    public static String stampedName(String name, Clock clock) {
        return sanitize(name) + "_" + STAMP.format(clock.instant().atZone(clock.getZone()));
    }

    /** Creates a new, empty, unique run directory under {@code root} (created if missing). */
    public static Path create(Path root, String name, String hash8, Clock clock) throws IOException {
        return createUnique(root, directoryName(name, hash8, clock));
    }

    /** Creates {@code root/base}, or {@code base-2}, {@code base-3}, ... when taken; atomic. */
    public static Path createUnique(Path root, String base) throws IOException {
        Files.createDirectories(root);
        for (int attempt = 1; ; attempt++) {
            Path candidate = root.resolve(attempt == 1 ? base : base + "-" + attempt);
            try {
                return Files.createDirectory(candidate);
            } catch (FileAlreadyExistsException e) {
                if (attempt > 10_000) {
                    throw e;
                }
            }
        }
    }

    /** {@code [A-Za-z0-9._-]} only, runs of anything else as one {@code -}, at most 80 characters. */
    public static String sanitize(String name) {
        String s = name.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^[-.]+|-+$", "");
        if (s.length() > MAX_NAME) {
            s = s.substring(0, MAX_NAME).replaceAll("-+$", "");
        }
        return s.isEmpty() ? "run" : s;
    }
}

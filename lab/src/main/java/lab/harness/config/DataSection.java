package lab.harness.config;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code data}: the corpus, and optionally a split file, the subset of it, and how many examples
 * each seed draws (absent: all of them).
 */
public record DataSection(Path corpus, Optional<Path> split, Optional<String> subset, OptionalInt nExamples) {
}

package lab.harness.config;

import java.nio.file.Path;

/**
 * {@code model}: the checkpoint directory (resolved against the base directory) and how to load it.
 *
 * @param device {@code auto}, {@code cpu}, {@code cuda}, {@code cuda:N} or {@code mps}
 * @param dtype {@code float32}, {@code float16} or {@code bfloat16}
 */
public record ModelSection(Path path, String device, String dtype, boolean prependBos) {
}

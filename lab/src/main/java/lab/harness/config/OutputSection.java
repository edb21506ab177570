package lab.harness.config;

import java.nio.file.Path;

/** {@code output}: where run directories go and where runs are tracked. */
public record OutputSection(Path root, MlflowTarget mlflow) {
}

package lab.harness.config;

import java.nio.file.Path;

/**
 * {@code output}: where run directories go, where runs are tracked, and how many examples' clean
 * attention patterns the run keeps for its report.
 */
public record OutputSection(Path root, MlflowTarget mlflow, int patternsExamples) {

    public OutputSection(Path root, MlflowTarget mlflow) {
        this(root, mlflow, 4);
    }
}

package lab.harness.config;

import java.nio.file.Path;

/**
 * {@code output}: where run directories go, where runs are tracked, how many examples' clean
 * attention patterns the run keeps for its report, and whether calibration covers every condition
 * ({@code calibration: "conditions"}) or the clean run only ({@code "clean"}).
 */
public record OutputSection(Path root, MlflowTarget mlflow, int patternsExamples, boolean calibrateConditions) {

    public OutputSection(Path root, MlflowTarget mlflow) {
        this(root, mlflow, 4);
    }

    public OutputSection(Path root, MlflowTarget mlflow, int patternsExamples) {
        this(root, mlflow, patternsExamples, true);
    }
}

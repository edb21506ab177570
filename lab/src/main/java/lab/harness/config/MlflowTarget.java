package lab.harness.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/** {@code output.mlflow}: an MLflow file store directory, a tracking server, or no tracking. */
public sealed interface MlflowTarget {

    /** The argument for {@code lab.tracking.RunTrackers.start}, empty when tracking is off. */
    Optional<String> trackingTarget();

    /** {@code "output": {"mlflow": false}} */
    record Disabled() implements MlflowTarget {
        @Override
        public Optional<String> trackingTarget() {
            return Optional.empty();
        }
    }

    /** A directory (relative paths resolved against the base directory). */
    record FileStore(Path directory) implements MlflowTarget {
        @Override
        public Optional<String> trackingTarget() {
            return Optional.of(directory.toString());
        }
    }

    /** An http(s):// tracking server. */
    record Server(URI uri) implements MlflowTarget {
        @Override
        public Optional<String> trackingTarget() {
            return Optional.of(uri.toString());
        }
    }
}

package lab.tracking;

import java.util.Map;
import java.util.Objects;

/**
 * What a run is, fixed when it starts: which experiment it belongs to (looked up by name and
 * created when missing), its display name, and tags known up front (config/data/weights hashes,
 * ...). {@code gitCommit} and {@code sourceName} may be null; when set they become MLflow's
 * {@link MlflowTags#GIT_COMMIT} and {@link MlflowTags#SOURCE_NAME} tags.
 */
public record RunSpec(
        String experimentName,
        String runName,
        String gitCommit,
        String sourceName,
        Map<String, String> tags) {

    public RunSpec {
        if (experimentName == null || experimentName.isBlank()) {
            throw new IllegalArgumentException("experiment name must not be blank");
        }
        if (runName == null || runName.isBlank()) {
            throw new IllegalArgumentException("run name must not be blank");
        }
        tags = Map.copyOf(Objects.requireNonNullElse(tags, Map.of()));
    }

    public static RunSpec of(String experimentName, String runName) {
        return new RunSpec(experimentName, runName, null, null, Map.of());
    }

    public RunSpec withGitCommit(String commit) {
        return new RunSpec(experimentName, runName, commit, sourceName, tags);
    }

    public RunSpec withSourceName(String source) {
        return new RunSpec(experimentName, runName, gitCommit, source, tags);
    }

    public RunSpec withTags(Map<String, String> moreTags) {
        var merged = new java.util.LinkedHashMap<>(tags);
        merged.putAll(moreTags);
        return new RunSpec(experimentName, runName, gitCommit, sourceName, merged);
    }
}

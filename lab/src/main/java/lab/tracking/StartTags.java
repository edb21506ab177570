package lab.tracking;

import java.util.LinkedHashMap;
import java.util.Map;

/** The tags every run starts with: the caller's, plus MLflow's system tags from the spec. */
final class StartTags {

    private StartTags() {
    }

    static Map<String, String> of(RunSpec spec, String user) {
        Map<String, String> tags = new LinkedHashMap<>(spec.tags());
        tags.put(MlflowTags.RUN_NAME, spec.runName());
        tags.put(MlflowTags.USER, user);
        tags.put(MlflowTags.SOURCE_TYPE, "LOCAL");
        if (spec.gitCommit() != null && !spec.gitCommit().isBlank()) {
            tags.put(MlflowTags.GIT_COMMIT, spec.gitCommit());
        }
        if (spec.sourceName() != null && !spec.sourceName().isBlank()) {
            tags.put(MlflowTags.SOURCE_NAME, spec.sourceName());
        }
        return tags;
    }
}

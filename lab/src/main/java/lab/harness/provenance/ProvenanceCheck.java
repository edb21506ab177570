package lab.harness.provenance;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import lab.harness.config.RunConfig;

/**
 * Whether a run's inputs are still what its {@code provenance.json} recorded: the resolved
 * config, the corpus, the split, every model file and the experiment's own input files, by SHA-256. A resume continues a run only
 * when they all are, so that its rows come from the same inputs as the rows it keeps.
 */
public final class ProvenanceCheck {

    private ProvenanceCheck() {
    }

    /**
     * @throws IllegalArgumentException naming every input that changed (one line), or a missing
     *     or unreadable provenance.json
     */
    public static void requireUnchanged(RunConfig config, Path runDir) throws IOException {
        Path file = runDir.resolve(Provenance.FILE_NAME);
        JsonNode recorded;
        try {
            recorded = Provenance.MAPPER.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " is missing or unreadable (" + e.getMessage()
                    + "): the run's inputs cannot be checked, so it cannot be resumed; start it again");
        }
        List<String> changed = new ArrayList<>();
        if (!config.hash().equals(recorded.path("config_sha256").asText())) {
            changed.add("the config (" + runDir.resolve("config.json") + " was edited)");
        }
        compare("the corpus " + config.data().corpus(), recorded.path("corpus").path("sha256").asText(null),
                FileDigest.of(config.data().corpus()).sha256(), changed);
        String recordedSplit = recorded.path("split").path("sha256").asText(null);
        String currentSplit = config.data().split().isPresent() ? FileDigest.of(config.data().split().get()).sha256() : null;
        compare("the split " + config.data().split().map(Path::toString).orElse("(none)"), recordedSplit, currentSplit, changed);
        Map<String, String> recordedModel = new TreeMap<>();
        recorded.path("model_files").forEach(f -> recordedModel.put(f.path("path").asText(), f.path("sha256").asText()));
        Map<String, String> currentModel = new TreeMap<>();
        Provenance.modelFiles(config.model().path()).forEach(f -> currentModel.put(f.path(), f.sha256()));
        if (!recordedModel.equals(currentModel)) {
            List<String> files = new ArrayList<>();
            for (String path : union(recordedModel, currentModel)) {
                String was = recordedModel.get(path);
                String now = currentModel.get(path);
                if (was == null || !was.equals(now)) {
                    files.add(path + (was == null ? " (new)" : now == null ? " (removed)" : " (changed)"));
                }
            }
            changed.add("the weights in " + config.model().path() + ": " + String.join(", ", files));
        }
        List<String> inputs = InputFiles.changed(recorded, config.baseDir());
        if (!inputs.isEmpty()) {
            changed.add("the experiment's input files: " + String.join(", ", inputs));
        }
        if (!changed.isEmpty()) {
            throw new IllegalArgumentException("cannot resume " + runDir + ": " + String.join("; ", changed)
                    + " since the run started, so new rows would not match the kept ones; restore the inputs, or start a"
                    + " new run with scripts/harness run " + runDir.resolve("config.json"));
        }
    }

    private static void compare(String what, String recorded, String current, List<String> changed) {
        if (recorded == null ? current != null : !recorded.equals(current)) {
            changed.add(what + " (SHA-256 " + abbrev(recorded) + " recorded, " + abbrev(current) + " now)");
        }
    }

    private static String abbrev(String sha) {
        return sha == null ? "none" : sha.substring(0, Math.min(12, sha.length()));
    }

    private static TreeSet<String> union(Map<String, String> a, Map<String, String> b) {
        TreeSet<String> all = new TreeSet<>(a.keySet());
        all.addAll(b.keySet());
        return all;
    }
}

package lab.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.io.AtomicFiles;

/**
 * Which groups of a corpus belong to train, val and test, and the SHA-256 of the corpus the split
 * was made for, so that a changed corpus is never read through a stale split.
 *
 * @param corpus the corpus file's name (informational)
 * @param corpusSha256 hex SHA-256 of the corpus bytes
 * @param seed the seed the groups were shuffled with
 * @param subsets subset name (train, val, test) to its groups, in that order
 */
public record SplitFile(String corpus, String corpusSha256, long seed, Map<String, List<String>> subsets) {

    public static final List<String> SUBSETS = List.of("train", "val", "test");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public SplitFile {
        subsets = new LinkedHashMap<>(subsets);
        subsets.replaceAll((k, v) -> List.copyOf(v));
    }

    /** The groups of one subset; an error naming the known subsets otherwise. */
    public List<String> groups(String subset) {
        List<String> g = subsets.get(subset);
        if (g == null) {
            throw new IllegalArgumentException("no subset '" + subset + "' in the split of " + corpus + "; use one of "
                    + String.join(", ", subsets.keySet()));
        }
        return g;
    }

    public static SplitFile read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (java.io.FileNotFoundException e) {
            throw new IllegalArgumentException("split file " + file + " does not exist; make it with: harness data split CORPUS");
        } catch (IOException e) {
            throw new IllegalArgumentException("split file " + file + " is not valid JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject() || !root.path("corpus_sha256").isTextual() || !root.path("subsets").isObject()) {
            throw new IllegalArgumentException("split file " + file + " lacks corpus_sha256 or subsets; remake it with:"
                    + " harness data split CORPUS");
        }
        Map<String, List<String>> subsets = new LinkedHashMap<>();
        root.get("subsets").fields().forEachRemaining(e -> {
            List<String> groups = new ArrayList<>();
            e.getValue().path("groups").forEach(g -> groups.add(g.asText()));
            subsets.put(e.getKey(), groups);
        });
        return new SplitFile(root.path("corpus").asText(), root.get("corpus_sha256").asText(),
                root.path("seed").asLong(), subsets);
    }

    /** Writes the split atomically; item ids per subset are listed too, for readers without this code. */
    public void write(Path file, List<CorpusItem> items) {
        ObjectNode root = JSON.createObjectNode();
        root.put("corpus", corpus);
        root.put("corpus_sha256", corpusSha256);
        root.put("seed", seed);
        root.put("by", "group");
        ObjectNode subs = root.putObject("subsets");
        for (Map.Entry<String, List<String>> e : subsets.entrySet()) {
            ObjectNode s = subs.putObject(e.getKey());
            ArrayNode groups = s.putArray("groups");
            e.getValue().forEach(groups::add);
            ArrayNode ids = s.putArray("ids");
            java.util.Set<String> in = new java.util.HashSet<>(e.getValue());
            items.stream().filter(it -> in.contains(it.group())).forEach(it -> ids.add(it.id()));
        }
        try {
            AtomicFiles.writeString(file, JSON.writeValueAsString(root) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}

package lab.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import lab.io.AtomicFiles;

/**
 * A corpus file: JSON Lines, one {@link CorpusItem} per line with the keys id, clean, corrupt,
 * target, foil and group, all strings, and optionally subject (a non-empty string found in clean). Reading checks every line; an error names the file, the
 * line and what to fix. Knows nothing of models: single-token checks belong to whoever runs the
 * items through a tokenizer.
 */
public final class Corpus {

    static final List<String> KEYS = List.of("id", "clean", "corrupt", "target", "foil", "group");
    static final String SUBJECT = "subject";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Corpus() {
    }

    /** Every item of {@code file}, checked. */
    public static List<CorpusItem> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("corpus " + file + " does not exist");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read corpus " + file + ": " + e.getMessage(), e);
        }
        List<CorpusItem> items = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            CorpusItem item = parse(file, i + 1, line);
            if (!ids.add(item.id())) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": id '" + item.id()
                        + "' appears twice; every item needs an id of its own");
            }
            items.add(item);
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException("corpus " + file + " has no items; write one JSON object per line with "
                    + String.join(", ", KEYS));
        }
        return items;
    }

    /**
     * The items of {@code corpus}, or of one subset of it.
     *
     * @param split the split file made by {@code harness data split}; null to take every item
     * @param subset train, val or test; null for every item (the split is still checked)
     */
    public static List<CorpusItem> load(Path corpus, Path split, String subset) {
        List<CorpusItem> items = read(corpus);
        if (split == null) {
            if (subset != null) {
                throw new IllegalArgumentException("subset '" + subset + "' of " + corpus + " needs a split file;"
                        + " make one with: harness data split " + corpus);
            }
            return items;
        }
        SplitFile s = SplitFile.read(split);
        String actual = sha256(corpus);
        if (!actual.equals(s.corpusSha256())) {
            throw new IllegalArgumentException("corpus " + corpus + " (SHA-256 " + actual.substring(0, 12)
                    + "...) does not match split file " + split + " (made for " + s.corpusSha256().substring(0, 12)
                    + "...): the corpus changed since it was split. Re-split with: harness data split " + corpus
                    + " --out " + split);
        }
        if (subset == null) {
            return items;
        }
        Set<String> groups = new HashSet<>(s.groups(subset));
        return items.stream().filter(it -> groups.contains(it.group())).toList();
    }

    private static CorpusItem parse(Path file, int lineNo, String line) {
        String where = file + " line " + lineNo;
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(where + " is not valid JSON (" + e.getOriginalMessage()
                    + "); each line must be one JSON object with " + String.join(", ", KEYS));
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(where + " is not a JSON object; each line must be one object with "
                    + String.join(", ", KEYS));
        }
        String[] values = new String[KEYS.size()];
        for (int k = 0; k < KEYS.size(); k++) {
            String key = KEYS.get(k);
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                throw new IllegalArgumentException(where + " has no \"" + key + "\"; every item needs "
                        + String.join(", ", KEYS));
            }
            if (!v.isTextual()) {
                throw new IllegalArgumentException(where + ": \"" + key + "\" must be a string, found " + v);
            }
            if (v.asText().isEmpty()) {
                throw new IllegalArgumentException(where + ": \"" + key + "\" is empty");
            }
            values[k] = v.asText();
        }
        return new CorpusItem(values[0], values[1], values[2], values[3], values[4], values[5], subject(where, node, values[1]));
    }

    private static String subject(String where, JsonNode node, String clean) {
        JsonNode v = node.get(SUBJECT);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException(where + ": \"" + SUBJECT + "\" must be a non-empty string, found " + v);
        }
        if (!clean.contains(v.asText().strip())) {
            throw new IllegalArgumentException(where + ": subject \"" + v.asText() + "\" does not occur in clean \""
                    + clean + "\"; give the subject as it is written in the clean prompt");
        }
        return v.asText();
    }

    /** Writes items as JSON Lines, atomically, keys in the canonical order. */
    public static void write(Path file, List<CorpusItem> items) throws IOException {
        StringBuilder out = new StringBuilder();
        for (CorpusItem item : items) {
            ObjectNode o = JSON.createObjectNode();
            o.put("id", item.id());
            o.put("clean", item.clean());
            o.put("corrupt", item.corrupt());
            o.put("target", item.target());
            o.put("foil", item.foil());
            o.put("group", item.group());
            if (item.subject() != null) {
                o.put(SUBJECT, item.subject());
            }
            out.append(JSON.writeValueAsString(o)).append('\n');
        }
        AtomicFiles.writeString(file, out.toString());
    }

    /** Hex SHA-256 of the file's bytes. */
    public static String sha256(Path file) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The split file {@code harness data split} writes for a corpus by default: data/splits/NAME.split.json. */
    public static Path defaultSplitPath(Path corpus) {
        String name = corpus.getFileName().toString();
        String stem = name.endsWith(".jsonl") ? name.substring(0, name.length() - 6) : name;
        Path folder = corpus.getParent();
        Path data = folder == null || folder.getParent() == null ? Path.of("") : folder.getParent();
        return data.resolve("splits").resolve(stem + ".split.json");
    }
}

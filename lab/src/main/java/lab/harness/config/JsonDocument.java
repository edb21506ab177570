package lab.harness.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON config file read strictly (no duplicate keys, nothing after the value) together with the
 * line each key sits on, so that errors found later (by the schema, by a file check) can point
 * at a line.
 *
 * @param label how messages name the source (the path as the user gave it)
 * @param root the parsed object
 * @param lines line of each key, by its {@link KeyPath#format formatted} path
 */
public record JsonDocument(String label, ObjectNode root, Map<String, Integer> lines) {

    /** Strict reader shared by the config classes: duplicate keys and trailing content are errors. */
    static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    public JsonDocument {
        lines = Map.copyOf(lines);
    }

    public static JsonDocument read(Path file) {
        String label = file.toString();
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(label + ": file not found (resolved to " + file.toAbsolutePath().normalize()
                    + "); check the path");
        } catch (MalformedInputException e) {
            throw new ConfigException(label + ": not UTF-8 text; save the config as UTF-8 JSON");
        } catch (IOException e) {
            throw new ConfigException(label + ": cannot read: " + e, e);
        }
        return parse(label, text);
    }

    /** Parses {@code text}; malformed JSON is a {@link ConfigException} naming label, line and column. */
    public static JsonDocument parse(String label, String text) {
        JsonNode tree;
        Map<String, Integer> lines = new HashMap<>();
        try {
            tree = MAPPER.readTree(text);
            recordLines(text, lines);
        } catch (JsonProcessingException e) {
            throw malformed(label, e);
        } catch (IOException e) {
            throw new ConfigException(label + ": cannot read: " + e, e);
        }
        if (tree == null || tree.isMissingNode()) {
            throw new ConfigException(label + ": the file is empty; a config is a JSON object {...}");
        }
        if (!tree.isObject()) {
            throw new ConfigException(label + ": a config is a JSON object {...}, not " + JsonValues.kind(tree));
        }
        return new JsonDocument(label, (ObjectNode) tree, lines);
    }

    /**
     * The object at {@code key} (e.g. an inline base config) as a document of its own, under a new
     * label, keeping the lines it has in this file.
     */
    public JsonDocument child(String key, String childLabel) {
        Map<String, Integer> childLines = new HashMap<>();
        String prefix = key + ".";
        lines.forEach((path, line) -> {
            if (path.startsWith(prefix)) {
                childLines.put(path.substring(prefix.length()), line);
            }
        });
        return new JsonDocument(childLabel, (ObjectNode) root.get(key), childLines);
    }

    /** The line of {@code path}, or of its nearest ancestor that has one; 0 if none. */
    public int lineOf(List<?> path) {
        List<?> p = new ArrayList<>(path);
        while (!p.isEmpty()) {
            Integer line = lines.get(KeyPath.format(p));
            if (line != null) {
                return line;
            }
            p = p.subList(0, p.size() - 1);
        }
        return 0;
    }

    private static void recordLines(String text, Map<String, Integer> lines) throws IOException {
        try (JsonParser parser = MAPPER.getFactory().createParser(text)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                JsonStreamContext context = parser.getParsingContext();
                if (token == JsonToken.FIELD_NAME) {
                    lines.put(KeyPath.format(pathOf(context)), parser.currentTokenLocation().getLineNr());
                } else if (context.inArray() && (token.isScalarValue() || token.isStructStart())) {
                    // a value in an array: for a struct the context is already the new child's
                    JsonStreamContext element = token.isStructStart() ? context.getParent() : context;
                    List<Object> path = pathOf(element);
                    path.add(element.getCurrentIndex());
                    lines.putIfAbsent(KeyPath.format(path), parser.currentTokenLocation().getLineNr());
                }
            }
        }
    }

    /** Path of the value the context currently points at (its current name or index). */
    private static List<Object> pathOf(JsonStreamContext context) {
        List<Object> reversed = new ArrayList<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inObject()) {
                if (c.getCurrentName() != null) {
                    reversed.add(c.getCurrentName());
                }
            } else if (c.inArray() && c != context) {
                reversed.add(c.getCurrentIndex());
            }
        }
        List<Object> path = new ArrayList<>();
        for (int i = reversed.size() - 1; i >= 0; i--) {
            path.add(reversed.get(i));
        }
        return path;
    }

    private static ConfigException malformed(String label, JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null ? label : label + ":" + at.getLineNr() + ":" + at.getColumnNr();
        String detail = e.getOriginalMessage();
        String fix;
        if (detail.startsWith("Duplicate field")) {
            fix = "keep one of them";
        } else if (detail.startsWith("Trailing token")) {
            fix = "the config must be a single JSON object; remove what follows its closing }";
        } else if (detail.contains("end-of-input")) {
            fix = "the file ends early: close every { [ and \"";
        } else {
            fix = "fix the JSON there: look for a missing or extra comma, quote, colon or bracket;"
                    + " JSON has no comments and no trailing commas";
        }
        return new ConfigException(where + ": malformed JSON: " + firstLine(detail) + " (" + fix + ")", e);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}

package lab.harness.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.ValidationMessage;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Turns the schema validator's messages into ONE line a person can act on: where (file and line,
 * or the override that set it), which key, what is wrong, and how to fix it, e.g.
 * {@code run_h1.json:9: experiment.scales: must not be empty (give at least one value, e.g. [0.0, 0.5, 1.0])}.
 * When there are several problems the most basic one is reported (an unknown key before a
 * missing one before a wrong type ...), then the earliest in the file, and the count of the rest.
 */
final class ValidationErrors {

    private final ConfigSchema schema;
    private final JsonNode doc;
    private final Function<List<Object>, String> locate;

    /**
     * @param locate the "where" of a key path: {@code run.json:7}, or {@code run.json (override k=v)}
     */
    ValidationErrors(ConfigSchema schema, JsonNode doc, Function<List<Object>, String> locate) {
        this.schema = schema;
        this.doc = doc;
        this.locate = locate;
    }

    /** The one-line message for a non-empty set of violations. */
    String describe(Collection<ValidationMessage> messages) {
        List<ValidationMessage> sorted = new ArrayList<>(withoutEchoes(messages));
        sorted.sort(Comparator.comparingInt((ValidationMessage m) -> rank(m))
                .thenComparing(m -> locate.apply(subject(m)), Comparator.comparing(ValidationErrors::lineKey))
                .thenComparing(m -> KeyPath.format(subject(m))));
        ValidationMessage first = sorted.get(0);
        List<Object> subject = subject(first);
        String text = locate.apply(subject) + ": " + describe(first);
        long others = sorted.stream().map(m -> KeyPath.format(subject(m))).distinct().count() - 1;
        if (others > 0) {
            text += " [" + others + " more problem" + (others == 1 ? "" : "s") + " after this one]";
        }
        return text;
    }

    /**
     * Drops "missing key 'experiment'" when the same object has "unknown key 'experimen'": the
     * fix of the first is the fix of the second, and one message is clearer.
     */
    private List<ValidationMessage> withoutEchoes(Collection<ValidationMessage> messages) {
        java.util.Set<String> suggested = new java.util.HashSet<>();
        for (ValidationMessage m : messages) {
            if ("additionalProperties".equals(m.getType())) {
                List<Object> key = subject(m);
                List<Object> parent = key.subList(0, key.size() - 1);
                Suggestions.closest(String.valueOf(key.get(key.size() - 1)), validKeys(parent)).ifPresent(guess -> {
                    List<Object> fixed = new ArrayList<>(parent);
                    fixed.add(guess);
                    suggested.add(KeyPath.format(fixed));
                });
            }
        }
        List<ValidationMessage> kept = new ArrayList<>();
        for (ValidationMessage m : messages) {
            if (!("required".equals(m.getType()) && suggested.contains(KeyPath.format(subject(m))))) {
                kept.add(m);
            }
        }
        return kept;
    }

    /** Sorts "file:12" before "file:3" correctly: by the trailing number. */
    private static String lineKey(String where) {
        int colon = where.lastIndexOf(':');
        String digits = colon < 0 ? "" : where.substring(colon + 1);
        return digits.matches("\\d+") ? String.format("%09d", Integer.parseInt(digits)) : "~" + where;
    }

    private static int rank(ValidationMessage m) {
        return switch (m.getType()) {
            case "additionalProperties" -> 0;
            case "required", "dependentRequired" -> 1;
            case "enum", "const" -> 2;
            case "type" -> 3;
            default -> 4;
        };
    }

    /** The key a message is about: for unknown and missing keys, the key itself. */
    private static List<Object> subject(ValidationMessage m) {
        List<Object> path = path(m.getInstanceLocation());
        String property = m.getProperty();
        boolean aboutChild = "additionalProperties".equals(m.getType()) || "required".equals(m.getType());
        if (aboutChild && property != null && (path.isEmpty() || !property.equals(path.get(path.size() - 1)))) {
            path.add(property);
        }
        return path;
    }

    static List<Object> path(JsonNodePath location) {
        List<Object> path = new ArrayList<>();
        for (int i = 0; i < location.getNameCount(); i++) {
            path.add(location.getElement(i));
        }
        return path;
    }

    private String describe(ValidationMessage m) {
        List<Object> at = path(m.getInstanceLocation());
        if (throughAlternatives(m)) {
            return alternatives(at);
        }
        switch (m.getType()) {
            case "additionalProperties":
                return unknownKey(subject(m));
            case "required":
                return missingKey(subject(m));
            case "dependentRequired":
                return dependent(at, m);
            default:
                break;
        }
        String key = KeyPath.format(at);
        JsonNode value = doc.at(pointer(at));
        JsonNode keySchema = schema.schemaAt(doc, at).orElse(null);
        String example = keySchema == null ? "" : example(keySchema, value);
        return switch (m.getType()) {
            case "type" -> key + ": must be " + expectedType(keySchema, value) + ", not " + JsonValues.kind(value)
                    + " " + JsonValues.show(value) + example;
            case "enum" -> notAllowed(key, at, value, keySchema);
            case "const" -> key + ": must be " + JsonValues.show(keyword(keySchema, value, "const")) + ", not "
                    + JsonValues.show(value);
            case "minItems" -> {
                int min = keyword(keySchema, value, "minItems").asInt();
                yield key + ": " + (min <= 1 ? "must not be empty (give at least one value" + exampleTail(example) + ")"
                        : "needs at least " + min + " items, has " + value.size() + example);
            }
            case "maxItems" -> key + ": has " + value.size() + " items, at most "
                    + keyword(keySchema, value, "maxItems").asInt() + " allowed" + example;
            case "minLength" -> key + ": must not be empty" + example;
            case "uniqueItems" -> key + ": lists a value twice in " + JsonValues.show(value) + " (list each once)";
            case "minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum" -> key + ": " + JsonValues.show(value)
                    + " is out of range (" + bound(m.getType(), keyword(keySchema, value, m.getType())) + ")";
            case "pattern" -> key + ": " + JsonValues.show(value) + " is not a valid value" + example;
            default -> key + ": " + stripLocation(m.getMessage());
        };
    }

    private String unknownKey(List<Object> path) {
        String key = String.valueOf(path.get(path.size() - 1));
        List<Object> parent = path.subList(0, path.size() - 1);
        List<String> valid = validKeys(parent);
        String where = parent.isEmpty() ? "" : " in " + KeyPath.format(parent);
        StringBuilder s = new StringBuilder("unknown key '" + key + "'" + where);
        Optional<String> guess = Suggestions.closest(key, valid);
        s.append(guess.map(g -> "; did you mean '" + g + "'?").orElse("; remove it or fix its name"));
        s.append(" (valid keys").append(parent.isEmpty() ? " at the top level" : " of " + KeyPath.format(parent))
                .append(experimentNote(parent)).append(": ").append(String.join(", ", valid)).append(")");
        return s.toString();
    }

    private String missingKey(List<Object> path) {
        String key = String.valueOf(path.get(path.size() - 1));
        List<Object> parent = path.subList(0, path.size() - 1);
        String where = parent.isEmpty() ? "" : " in " + KeyPath.format(parent) + experimentNote(parent);
        JsonNode keySchema = schema.schemaAt(doc, path).orElse(null);
        String example = keySchema == null ? "" : firstExample(keySchema, com.fasterxml.jackson.databind.node.MissingNode.getInstance())
                .map(e -> ", e.g. \"" + key + "\": " + e).orElse("");
        return "missing key '" + key + "'" + where + " (add it" + example + ")";
    }

    private String dependent(List<Object> at, ValidationMessage m) {
        Object[] args = m.getArguments();
        String missing = args != null && args.length > 0 ? String.valueOf(args[0]) : m.getProperty();
        String because = m.getProperty() != null && !m.getProperty().equals(missing) ? m.getProperty()
                : args != null && args.length > 1 ? String.valueOf(args[1]) : "?";
        String prefix = at.isEmpty() ? "" : KeyPath.format(at) + ".";
        return prefix + because + " needs " + prefix + missing + " (add " + prefix + missing + " or remove "
                + prefix + because + ")";
    }

    private String notAllowed(String key, List<Object> at, JsonNode value, JsonNode keySchema) {
        List<String> allowed = new ArrayList<>();
        keyword(keySchema, value, "enum").forEach(v -> allowed.add(v.asText()));
        String noun = noun(at);
        String shown = value.isTextual() ? "'" + value.asText() + "'" : JsonValues.show(value);
        String guess = value.isTextual()
                ? Suggestions.closest(value.asText(), allowed).map(g -> "; did you mean '" + g + "'?").orElse("")
                : "";
        return key + ": unknown " + noun + " " + shown + guess + " (known " + noun + "s: " + String.join(", ", allowed) + ")";
    }

    private String alternatives(List<Object> at) {
        String key = KeyPath.format(at);
        JsonNode value = doc.at(pointer(at));
        JsonNode keySchema = schema.schemaAt(doc, at).orElse(null);
        String description = keySchema == null ? "" : schema.keyword(keySchema, value, "description")
                .map(d -> " (" + d.asText().replaceAll("\\.$", "")).orElse(" (");
        List<String> examples = new ArrayList<>();
        if (keySchema != null) {
            schema.keyword(keySchema, value, "examples").ifPresent(ex -> ex.forEach(e -> examples.add(JsonValues.show(e))));
        }
        String tail = examples.isEmpty() ? ")" : (description.equals(" (") ? "e.g. " : "; e.g. ")
                + String.join(" or ", examples) + ")";
        return key + ": " + JsonValues.show(value) + " is not allowed" + (description.equals(" (") && examples.isEmpty()
                ? "" : description + tail);
    }

    private static boolean throughAlternatives(ValidationMessage m) {
        JsonNodePath evaluation = m.getEvaluationPath();
        for (int i = 0; i < evaluation.getNameCount(); i++) {
            String name = evaluation.getName(i);
            if ("anyOf".equals(name) || "oneOf".equals(name)) {
                return true;
            }
        }
        return false;
    }

    private List<String> validKeys(List<Object> parent) {
        JsonNode parentSchema = schema.schemaAt(doc, parent).orElse(schema.root());
        return new ArrayList<>(schema.properties(parentSchema, doc.at(pointer(parent))).keySet());
    }

    /** " (heads_zero)" when the keys listed are those of an experiment type. */
    private String experimentNote(List<Object> parent) {
        if (parent.size() == 1 && "experiment".equals(parent.get(0)) && doc.path("experiment").path("type").isTextual()) {
            return " (type " + doc.path("experiment").path("type").asText() + ")";
        }
        return "";
    }

    private static String noun(List<Object> at) {
        String key = KeyPath.format(at);
        if (key.equals("experiment.type")) {
            return "experiment type";
        }
        if (key.startsWith("metrics[")) {
            return "metric";
        }
        return "value";
    }

    private String expectedType(JsonNode keySchema, JsonNode value) {
        JsonNode type = keyword(keySchema, value, "type");
        List<String> names = new ArrayList<>();
        if (type.isArray()) {
            type.forEach(t -> names.add(article(t.asText())));
        } else {
            names.add(article(type.asText()));
        }
        return String.join(" or ", names);
    }

    private static String article(String type) {
        return switch (type) {
            case "array", "object", "integer" -> "an " + type;
            case "null" -> "null";
            default -> "a " + type;
        };
    }

    /** " (e.g. [0.0, 0.5, 1.0])", or " (e.g. "auto" or "cpu" or "cuda:0")" when the schema has several. */
    private String example(JsonNode keySchema, JsonNode value) {
        Optional<JsonNode> examples = schema.keyword(keySchema, value, "examples");
        if (examples.isPresent() && examples.get().size() > 1) {
            List<String> shown = new ArrayList<>();
            examples.get().forEach(e -> shown.add(JsonValues.show(e)));
            return " (e.g. " + String.join(" or ", shown) + ")";
        }
        return firstExample(keySchema, value).map(e -> " (e.g. " + e + ")").orElse("");
    }

    private static String exampleTail(String example) {
        return example.isEmpty() ? "" : ", " + example.substring(2, example.length() - 1);
    }

    private Optional<String> firstExample(JsonNode keySchema, JsonNode value) {
        Optional<JsonNode> examples = schema.keyword(keySchema, value, "examples");
        if (examples.isPresent() && examples.get().size() > 0) {
            return Optional.of(JsonValues.show(examples.get().get(0)));
        }
        return schema.keyword(keySchema, value, "default").map(JsonValues::show);
    }

    private JsonNode keyword(JsonNode keySchema, JsonNode value, String keyword) {
        if (keySchema == null) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        return schema.keyword(keySchema, value, keyword).orElse(com.fasterxml.jackson.databind.node.MissingNode.getInstance());
    }

    private static String bound(String keyword, JsonNode limit) {
        String n = limit.isNumber() ? new BigDecimal(limit.asText()).stripTrailingZeros().toPlainString() : limit.asText();
        return switch (keyword) {
            case "minimum" -> "must be >= " + n;
            case "exclusiveMinimum" -> "must be > " + n;
            case "maximum" -> "must be <= " + n;
            default -> "must be < " + n;
        };
    }

    private static String stripLocation(String message) {
        return message.replaceFirst("^\\$[^:]*: ", "");
    }

    static String pointer(List<Object> path) {
        StringBuilder s = new StringBuilder();
        for (Object element : path) {
            s.append('/').append(String.valueOf(element).replace("~", "~0").replace("/", "~1"));
        }
        return s.toString();
    }
}

package lab.harness.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

/** Small helpers for showing and parsing JSON values in messages and overrides. */
public final class JsonValues {

    private JsonValues() {
    }

    /** The value JSON text stands for, or the text itself as a string when it is not JSON. */
    public static JsonNode parseLenient(String text) {
        try {
            JsonNode node = JsonDocument.MAPPER.readTree(text);
            if (node != null && !node.isMissingNode()) {
                return node;
            }
        } catch (JsonProcessingException e) {
            // not JSON: a plain string
        }
        return TextNode.valueOf(text);
    }

    /** JSON of a value on one line, as a person writes it ({@code [0.0, 0.5]}), cut to about 60 characters. */
    public static String show(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return "nothing";
        }
        StringBuilder out = new StringBuilder();
        inline(value, out);
        return out.length() <= 60 ? out.toString() : out.substring(0, 57) + "...";
    }

    private static void inline(JsonNode value, StringBuilder out) {
        if (value.isArray()) {
            out.append('[');
            for (int i = 0; i < value.size(); i++) {
                out.append(i > 0 ? ", " : "");
                inline(value.get(i), out);
            }
            out.append(']');
        } else if (value.isObject()) {
            out.append('{');
            var fields = value.fields();
            boolean first = true;
            while (fields.hasNext()) {
                var field = fields.next();
                out.append(first ? "" : ", ").append(TextNode.valueOf(field.getKey())).append(": ");
                inline(field.getValue(), out);
                first = false;
            }
            out.append('}');
        } else {
            out.append(value);
        }
    }

    /** "a string", "an array", ... */
    public static String kind(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return "missing";
        }
        return switch (value.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case NUMBER -> value.isIntegralNumber() ? "an integer" : "a number";
            default -> value.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        };
    }
}

package lab.harness.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Applies {@link ConfigOverride}s to a config tree, in order, checking each key against the schema:
 * a key the schema does not have is an error naming the key and the valid keys beside it;
 * missing intermediate objects are created only where the schema has an object.
 */
public final class Overrides {

    private final ConfigSchema schema;

    public Overrides(ConfigSchema schema) {
        this.schema = schema;
    }

    /**
     * Applies the overrides to {@code doc} in place.
     *
     * @return for each override, the key path it set (with array indexes as integers)
     * @throws ConfigException for an unknown key or a path through a non-object
     */
    public List<List<Object>> apply(ObjectNode doc, List<ConfigOverride> overrides) {
        List<List<Object>> set = new ArrayList<>();
        for (ConfigOverride o : overrides) {
            set.add(apply(doc, o));
        }
        return set;
    }

    private List<Object> apply(ObjectNode doc, ConfigOverride o) {
        List<String> segments = o.segments();
        List<Object> path = new ArrayList<>();
        JsonNode container = doc;
        for (int i = 0; i < segments.size(); i++) {
            String segment = segments.get(i);
            boolean last = i == segments.size() - 1;
            if (container instanceof ArrayNode array) {
                int index = index(o, path, segment, array);
                path.add(index);
                if (last) {
                    array.set(index, o.value().deepCopy());
                } else {
                    container = array.get(index);
                }
                continue;
            }
            if (!(container instanceof ObjectNode object)) {
                throw new ConfigException("override '" + o.text() + "': " + KeyPath.format(path) + " is "
                        + JsonValues.kind(container) + ", so it has no key '" + segment + "'");
            }
            List<Object> parent = List.copyOf(path);
            path.add(segment);
            Optional<JsonNode> keySchema = schema.schemaAt(doc, path);
            if (keySchema.isEmpty()) {
                throw unknownKey(doc, o, parent, segment);
            }
            if (last) {
                object.set(segment, o.value().deepCopy());
            } else {
                JsonNode child = object.get(segment);
                if (child == null || child.isNull()) {
                    if (!allowsObject(keySchema.get(), doc.at(ValidationErrors.pointer(path)))) {
                        throw new ConfigException("override '" + o.text() + "': " + KeyPath.format(path)
                                + " is not an object, so it has no key '" + segments.get(i + 1) + "'");
                    }
                    child = object.putObject(segment);
                }
                container = child;
            }
        }
        return path;
    }

    private static int index(ConfigOverride o, List<Object> path, String segment, ArrayNode array) {
        int index;
        try {
            index = Integer.parseInt(segment);
        } catch (NumberFormatException e) {
            throw new ConfigException("override '" + o.text() + "': " + KeyPath.format(path) + " is an array; address"
                    + " an element by its index (" + KeyPath.format(path) + ".0), or set the whole array");
        }
        if (index < 0 || index >= array.size()) {
            throw new ConfigException("override '" + o.text() + "': " + KeyPath.format(path) + " has " + array.size()
                    + " element(s), so index " + index + " does not exist; set the whole array instead, e.g. "
                    + KeyPath.format(path) + "=" + array);
        }
        return index;
    }

    private boolean allowsObject(JsonNode keySchema, JsonNode instance) {
        for (JsonNode component : schema.components(keySchema, instance)) {
            JsonNode type = component.get("type");
            if (type != null && (type.asText().equals("object") || (type.isArray() && type.toString().contains("\"object\"")))) {
                return true;
            }
            if (component.has("properties")) {
                return true;
            }
        }
        return false;
    }

    private ConfigException unknownKey(ObjectNode doc, ConfigOverride o, List<Object> parent, String key) {
        JsonNode parentSchema = schema.schemaAt(doc, parent).orElse(schema.root());
        List<String> valid = new ArrayList<>(schema.properties(parentSchema, doc.at(ValidationErrors.pointer(parent))).keySet());
        String guess = Suggestions.closest(key, valid).map(g -> "; did you mean '" + joined(parent, g) + "'?")
                .orElse("");
        String scope = parent.isEmpty() ? "at the top level" : "of " + KeyPath.format(parent);
        return new ConfigException("override '" + o.text() + "': unknown key '" + joined(parent, key) + "'" + guess
                + " (valid keys " + scope + ": " + String.join(", ", valid) + ")");
    }

    private static String joined(List<Object> parent, String key) {
        List<Object> p = new ArrayList<>(parent);
        p.add(key);
        return KeyPath.format(p);
    }
}

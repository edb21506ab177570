package lab.harness.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A published JSON Schema (draft 2020-12, {@code lab/configs/schema/}, on the classpath under the
 * same path) used three ways: validation (networknt json-schema-validator), walking it to know which
 * keys exist where (for overrides and "did you mean"), and filling in {@code default}s.
 *
 * <p>The walker understands the subset of JSON Schema the lab's schemas use: {@code properties},
 * {@code additionalProperties}, {@code items}/{@code prefixItems}, local {@code $ref}s,
 * {@code allOf}, and {@code if}/{@code then}/{@code else} whose {@code if} tests properties with
 * {@code const}/{@code enum} (how an experiment type selects its parameters) or the value's
 * {@code type} (how a parameter takes either a name or a list).
 */
public final class ConfigSchema {

    public static final String RUN_CONFIG_RESOURCE = "lab/configs/schema/run-config.schema.json";
    public static final String BATTERY_RESOURCE = "lab/configs/schema/battery.schema.json";

    private static volatile ConfigSchema runConfig;
    private static volatile ConfigSchema battery;

    private final String resource;
    private final JsonNode root;
    private final JsonSchema validator;

    private ConfigSchema(String resource, JsonNode root, JsonSchema validator) {
        this.resource = resource;
        this.root = root;
        this.validator = validator;
    }

    /** The run config schema ({@code run-config.schema.json}). */
    public static ConfigSchema runConfig() {
        if (runConfig == null) {
            runConfig = fromResource(RUN_CONFIG_RESOURCE);
        }
        return runConfig;
    }

    /** The battery schema ({@code battery.schema.json}). */
    public static ConfigSchema battery() {
        if (battery == null) {
            battery = fromResource(BATTERY_RESOURCE);
        }
        return battery;
    }

    static ConfigSchema fromResource(String resource) {
        JsonNode root;
        try (InputStream in = ConfigSchema.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("schema " + resource + " is not on the classpath (build with mvn,"
                        + " which copies lab/configs/schema/ into the jar)");
            }
            root = JsonDocument.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema " + resource, e);
        }
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
                .locale(Locale.ENGLISH)
                .formatAssertionsEnabled(true)
                .build();
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        JsonSchema validator = factory.getSchema(SchemaLocation.of("classpath:" + resource), root, config);
        validator.initializeValidators();
        return new ConfigSchema(resource, root, validator);
    }

    /** The file name of the schema, e.g. {@code run-config.schema.json}. */
    public String fileName() {
        return resource.substring(resource.lastIndexOf('/') + 1);
    }

    public JsonNode root() {
        return root;
    }

    /** All violations of {@code instance}; empty when valid. */
    public Set<ValidationMessage> validate(JsonNode instance) {
        return validator.validate(instance);
    }

    /**
     * Validates a whole document against this schema, as read (no overrides, no defaults).
     *
     * @throws ConfigException with one line naming the file, line, key and fix
     */
    public void requireValid(JsonDocument doc) {
        Set<ValidationMessage> problems = validate(doc.root());
        if (!problems.isEmpty()) {
            throw new ConfigException(new ValidationErrors(this, doc.root(), path -> {
                int line = doc.lineOf(path);
                return line > 0 ? doc.label() + ":" + line : doc.label();
            }).describe(problems));
        }
    }

    /** The enum of a definition, e.g. {@code experiment_type}: the known experiment types. */
    public List<String> definitionEnum(String definition) {
        List<String> values = new ArrayList<>();
        root.path("$defs").path(definition).path("enum").forEach(v -> values.add(v.asText()));
        return values;
    }

    /**
     * The schema that governs the value at {@code path} in {@code doc} (which need not exist yet),
     * or empty when the schema does not allow that key there. The result may be an {@code allOf}
     * of several pieces; use {@link #components} to look inside.
     */
    public Optional<JsonNode> schemaAt(JsonNode doc, List<?> path) {
        JsonNode schema = root;
        JsonNode instance = doc;
        for (Object element : path) {
            Optional<JsonNode> next = element instanceof Integer index
                    ? itemSchema(schema, index)
                    : propertySchema(schema, instance, (String) element);
            if (next.isEmpty()) {
                return Optional.empty();
            }
            schema = next.get();
            instance = element instanceof Integer index ? instance.path(index) : instance.path((String) element);
        }
        return Optional.of(schema);
    }

    /**
     * The keys an object governed by {@code schema} may hold, each with its schema, in schema order,
     * given the object's current content (which selects if/then branches).
     */
    public Map<String, JsonNode> properties(JsonNode schema, JsonNode instance) {
        Map<String, List<JsonNode>> pieces = new LinkedHashMap<>();
        for (JsonNode component : components(schema, instance)) {
            component.path("properties").fields().forEachRemaining(
                    e -> pieces.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
        }
        Map<String, JsonNode> merged = new LinkedHashMap<>();
        pieces.forEach((key, list) -> merged.put(key, list.size() == 1 ? list.get(0) : allOf(list)));
        return merged;
    }

    /** Whether an object governed by {@code schema} refuses keys it does not list. */
    public boolean closed(JsonNode schema, JsonNode instance) {
        for (JsonNode component : components(schema, instance)) {
            JsonNode additional = component.get("additionalProperties");
            if (additional != null && additional.isBoolean() && !additional.asBoolean()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The flat list of schema objects that apply to {@code instance}: the schema itself, what its
     * {@code $ref} and {@code allOf} point to, and the {@code then} (or {@code else}) of each
     * {@code if} as it evaluates on the instance.
     */
    public List<JsonNode> components(JsonNode schema, JsonNode instance) {
        List<JsonNode> out = new ArrayList<>();
        collect(schema, instance, out, 0);
        return out;
    }

    /** The first value of {@code keyword} among the components (e.g. default, examples, enum, type). */
    public Optional<JsonNode> keyword(JsonNode schema, JsonNode instance, String keyword) {
        for (JsonNode component : components(schema, instance)) {
            JsonNode value = component.get(keyword);
            if (value != null) {
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }

    /**
     * Fills in every {@code default} the schema gives for an absent key, recursively (an object
     * default such as {@code output: {}} is filled in turn). Present values are never changed.
     */
    public void applyDefaults(ObjectNode doc) {
        applyDefaults(root, doc);
    }

    private void applyDefaults(JsonNode schema, JsonNode instance) {
        if (instance instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> property : properties(schema, object).entrySet()) {
                String key = property.getKey();
                if (!object.has(key)) {
                    keyword(property.getValue(), object.path(key), "default")
                            .ifPresent(d -> object.set(key, d.deepCopy()));
                }
                if (object.has(key)) {
                    applyDefaults(property.getValue(), object.get(key));
                }
            }
        } else if (instance instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                int index = i;
                itemSchema(schema, i).ifPresent(s -> applyDefaults(s, array.get(index)));
            }
        }
    }

    private Optional<JsonNode> propertySchema(JsonNode schema, JsonNode instance, String key) {
        JsonNode found = properties(schema, instance).get(key);
        if (found != null) {
            return Optional.of(found);
        }
        if (closed(schema, instance)) {
            return Optional.empty();
        }
        Optional<JsonNode> additional = keyword(schema, instance, "additionalProperties");
        if (additional.isPresent() && additional.get().isObject()) {
            return additional;
        }
        return Optional.of(JsonNodeFactory.instance.objectNode());
    }

    private Optional<JsonNode> itemSchema(JsonNode schema, int index) {
        for (JsonNode component : components(schema, null)) {
            JsonNode prefix = component.get("prefixItems");
            if (prefix != null && index < prefix.size()) {
                return Optional.of(prefix.get(index));
            }
            JsonNode items = component.get("items");
            if (items != null) {
                return items.isBoolean() && !items.asBoolean() ? Optional.empty() : Optional.of(items);
            }
        }
        return Optional.of(JsonNodeFactory.instance.objectNode());
    }

    private void collect(JsonNode schema, JsonNode instance, List<JsonNode> out, int depth) {
        if (schema == null || !schema.isObject() || depth > 32) {
            return;
        }
        out.add(schema);
        JsonNode ref = schema.get("$ref");
        if (ref != null) {
            collect(resolve(ref.asText()), instance, out, depth + 1);
        }
        for (JsonNode part : schema.path("allOf")) {
            collect(part, instance, out, depth + 1);
        }
        JsonNode condition = schema.get("if");
        if (condition != null) {
            collect(holds(condition, instance) ? schema.get("then") : schema.get("else"), instance, out, depth + 1);
        }
    }

    private JsonNode resolve(String ref) {
        if (!ref.startsWith("#")) {
            throw new IllegalStateException(fileName() + ": only local $refs are supported, not " + ref);
        }
        JsonNode target = root.at(ref.substring(1));
        if (target.isMissingNode()) {
            throw new IllegalStateException(fileName() + ": $ref " + ref + " points nowhere");
        }
        return target;
    }

    /** Evaluates the {@code if} of a conditional: the value's type, required keys present, properties const/enum. */
    private static boolean holds(JsonNode condition, JsonNode instance) {
        if (condition.has("type")) {
            if (instance == null || !hasType(instance, condition.get("type").asText())) {
                return false;
            }
            if (!condition.has("required") && !condition.has("properties")) {
                return true;
            }
        }
        if (instance == null || !instance.isObject()) {
            return false;
        }
        for (JsonNode key : condition.path("required")) {
            if (!instance.has(key.asText())) {
                return false;
            }
        }
        for (Map.Entry<String, JsonNode> property : iterable(condition.path("properties"))) {
            JsonNode value = instance.get(property.getKey());
            if (value == null) {
                continue;
            }
            JsonNode test = property.getValue();
            if (test.has("const") && !test.get("const").equals(value)) {
                return false;
            }
            if (test.has("enum") && !contains(test.get("enum"), value)) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasType(JsonNode value, String type) {
        return switch (type) {
            case "string" -> value.isTextual();
            case "array" -> value.isArray();
            case "object" -> value.isObject();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            case "null" -> value.isNull();
            default -> false;
        };
    }

    private static boolean contains(JsonNode array, JsonNode value) {
        for (JsonNode v : array) {
            if (v.equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode node) {
        return node::fields;
    }

    private static JsonNode allOf(List<JsonNode> schemas) {
        ObjectNode combined = JsonNodeFactory.instance.objectNode();
        ArrayNode all = combined.putArray("allOf");
        schemas.forEach(all::add);
        return combined;
    }
}

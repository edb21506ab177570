package lab.runtime.loading;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;

/** A config.json as HF saves it, with typed reads whose errors name the file and the key. */
public final class HfConfig {

    private final Path file;
    private final JsonNode root;

    HfConfig(Path file, JsonNode root) {
        this.file = file;
        this.root = root;
    }

    public static HfConfig read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException("no config.json in " + file.getParent()
                    + ": a model folder holds config.json, model.safetensors (or a sharded index) and tokenizer.json");
        }
        try {
            JsonNode root = new ObjectMapper().readTree(file.toFile());
            if (root == null || !root.isObject()) {
                throw new ModelLoadException(file + " is not a JSON object");
            }
            return new HfConfig(file, root);
        } catch (IOException e) {
            throw new ModelLoadException(file + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    public String modelType() {
        return string("model_type");
    }

    public boolean has(String key) {
        JsonNode n = node(key);
        return n != null && !n.isNull();
    }

    /**
     * A rotary number as transformers 5 resolves it: the rope object's value wins (the top-level key
     * only fills it in when absent), then the top level, then {@code fallback}.
     */
    public double rope(String key, double fallback) {
        OptionalDouble inner = ropeInner(key);
        if (inner.isPresent()) {
            return inner.getAsDouble();
        }
        return has(key) ? number(key) : fallback;
    }

    /** A number inside the rope object ({@link #ropeObject()}), if it is there; a value that is not a number is an error. */
    public OptionalDouble ropeInner(String key) {
        JsonNode rope = ropeObject();
        if (rope == null || !rope.has(key) || rope.get(key).isNull()) {
            return OptionalDouble.empty();
        }
        if (!rope.get(key).isNumber()) {
            throw new ModelLoadException(file + ": " + ropeObjectKey() + " '" + key + "' should be a number, found "
                    + rope.get(key));
        }
        return OptionalDouble.of(rope.get(key).asDouble());
    }

    /**
     * The rotary parameters object as transformers 5 reads it: the older {@code rope_scaling} when
     * set (it replaces the rest), else {@code rope_parameters}; null when neither is a non-empty object.
     */
    public JsonNode ropeObject() {
        for (String key : new String[] {"rope_scaling", "rope_parameters"}) {
            JsonNode n = root.get(key);
            if (n != null && n.isObject() && !n.isEmpty()) {
                return n;
            }
        }
        return null;
    }

    /** Which key {@link #ropeObject()} came from. */
    public String ropeObjectKey() {
        return ropeObject() == root.get("rope_scaling") ? "rope_scaling" : "rope_parameters";
    }

    public String string(String key) {
        JsonNode n = required(key);
        if (!n.isTextual()) {
            throw new ModelLoadException(file + ": '" + key + "' should be a string, found " + n);
        }
        return n.asText();
    }

    public String string(String key, String fallback) {
        return has(key) ? string(key) : fallback;
    }

    public int integer(String key) {
        JsonNode n = required(key);
        if (!n.canConvertToInt()) {
            throw new ModelLoadException(file + ": '" + key + "' should be an integer, found " + n);
        }
        return n.asInt();
    }

    public int integer(String key, int fallback) {
        return has(key) ? integer(key) : fallback;
    }

    public double number(String key) {
        JsonNode n = required(key);
        if (!n.isNumber()) {
            throw new ModelLoadException(file + ": '" + key + "' should be a number, found " + n);
        }
        return n.asDouble();
    }

    public double number(String key, double fallback) {
        return has(key) ? number(key) : fallback;
    }

    public boolean bool(String key, boolean fallback) {
        if (!has(key)) {
            return fallback;
        }
        JsonNode n = node(key);
        if (!n.isBoolean()) {
            throw new ModelLoadException(file + ": '" + key + "' should be true or false, found " + n);
        }
        return n.asBoolean();
    }

    public JsonNode node(String key) {
        return root.get(key);
    }

    private JsonNode required(String key) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            throw new ModelLoadException(file + " has no '" + key + "', which a " + root.path("model_type").asText("?")
                    + " config needs");
        }
        return n;
    }
}

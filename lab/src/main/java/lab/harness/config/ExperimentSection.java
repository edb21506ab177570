package lab.harness.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code experiment}: its type and that type's parameters (every key but {@code type}, with the
 * schema's defaults filled in), already validated against the type's sub-schema.
 */
public final class ExperimentSection {

    private final String type;
    private final ObjectNode params;

    public ExperimentSection(String type, ObjectNode params) {
        this.type = type;
        this.params = params.deepCopy();
    }

    public String type() {
        return type;
    }

    /** A copy of the parameters, e.g. {@code {"scales": [0.0, 1.0], "position": "all"}}. */
    public ObjectNode params() {
        return params.deepCopy();
    }

    /** One parameter, or a missing node. */
    public JsonNode param(String name) {
        return params.path(name).deepCopy();
    }

    @Override
    public String toString() {
        return "ExperimentSection[type=" + type + ", params=" + params + "]";
    }
}

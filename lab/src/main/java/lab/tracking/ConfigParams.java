package lab.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** A JSON config as MLflow params: nested keys joined with '.', leaves as text, keys made MLflow-legal. */
public final class ConfigParams {

    private ConfigParams() {
    }

    public static Map<String, String> flatten(JsonNode config) {
        Map<String, String> out = new LinkedHashMap<>();
        flatten("", config, out);
        return out;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else {
            out.put(MlflowNames.sanitizeKey(prefix), node.isTextual() ? node.asText() : node.toString());
        }
    }
}

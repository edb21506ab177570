package lab.runtime.loading;

import com.fasterxml.jackson.databind.JsonNode;

/** Rejects rotary scaling schemes the runtime does not implement, rather than computing wrong logits. */
final class RopeCheck {

    private RopeCheck() {
    }

    static void requireDefault(HfConfig hf) {
        String type = "default";
        JsonNode params = hf.node("rope_parameters");
        JsonNode scaling = hf.node("rope_scaling");
        if (params != null && params.has("rope_type")) {
            type = params.get("rope_type").asText();
        } else if (scaling != null && !scaling.isNull()) {
            type = scaling.path("rope_type").asText(scaling.path("type").asText("unknown"));
        }
        if (!type.equals("default")) {
            throw new ModelLoadException(hf.file() + ": rope_type '" + type
                    + "' is not supported yet; only plain rotary (rope_type 'default') is");
        }
    }
}

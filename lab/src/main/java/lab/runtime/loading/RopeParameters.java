package lab.runtime.loading;

import com.fasterxml.jackson.databind.JsonNode;
import lab.runtime.RopeScaling;

/**
 * Reads a checkpoint's rotary scaling the way HF transformers 5 does: {@code rope_parameters}
 * (transformers 5) or the older {@code rope_scaling}, which wins when both are set, with
 * {@code rope_type} (or the older {@code type}). Schemes the runtime does not implement are refused
 * rather than computing wrong logits.
 */
final class RopeParameters {

    static final String SUPPORTED = "default, linear, llama3, yarn";

    private RopeParameters() {
    }

    static RopeScaling read(HfConfig hf) {
        JsonNode rope = hf.ropeObject();
        if (rope == null) {
            return RopeScaling.NONE;
        }
        Keys keys = new Keys(hf, rope, hf.ropeObjectKey());
        String type = rope.path("rope_type").asText(rope.path("type").asText("default"));
        try {
            return switch (type) {
                case "default" -> RopeScaling.NONE;
                case "linear" -> RopeScaling.linear(keys.number("factor", type));
                case "llama3" -> RopeScaling.llama3(keys.number("factor", type), keys.number("low_freq_factor", type),
                        keys.number("high_freq_factor", type), originalContext(hf, keys));
                case "yarn" -> yarn(hf, keys);
                case "dynamic" -> throw refused(hf, type, "dynamic NTK scaling recomputes the frequencies from each "
                        + "run's sequence length");
                case "longrope" -> throw refused(hf, type, "longrope switches between short and long factors with "
                        + "the sequence length");
                default -> throw refused(hf, type, "the runtime does not know it");
            };
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(hf.file() + ": " + keys.where + " of rope_type '" + type + "': "
                    + e.getMessage(), e);
        }
    }

    private static RopeScaling yarn(HfConfig hf, Keys keys) {
        int original = originalContext(hf, keys);
        if (!keys.rope.has("factor")) {
            throw keys.missing("factor", "yarn");
        }
        // a null factor means the ratio of the context lengths (DeepSeek-V3 configs)
        double factor = keys.isNull("factor") ? (double) hf.integer("max_position_embeddings") / original
                : keys.number("factor", "yarn");
        double attention;
        if (!keys.isNull("attention_factor")) {
            attention = keys.number("attention_factor", "yarn");
        } else {
            double mscale = keys.number("mscale", 0);
            double mscaleAllDim = keys.number("mscale_all_dim", 0);
            attention = mscale != 0 && mscaleAllDim != 0
                    ? yarnMscale(factor, mscale) / yarnMscale(factor, mscaleAllDim) : yarnMscale(factor, 1);
        }
        // HF reads these with `or`: absent, null or 0 all mean the paper's 32 and 1
        double betaFast = keys.number("beta_fast", 0);
        double betaSlow = keys.number("beta_slow", 0);
        JsonNode truncate = keys.rope.get("truncate");
        if (truncate != null && !truncate.isNull() && !truncate.isBoolean()) {
            throw new ModelLoadException(hf.file() + ": " + keys.where + " 'truncate' should be true or false, found "
                    + truncate);
        }
        return RopeScaling.yarn(factor, original, betaFast != 0 ? betaFast : 32, betaSlow != 0 ? betaSlow : 1,
                truncate == null || truncate.asBoolean(), attention);
    }

    /** YaRN's attention temperature: 0.1 * mscale * ln(scale) + 1 when the context grows. */
    private static double yarnMscale(double scale, double mscale) {
        return scale <= 1 ? 1.0 : 0.1 * mscale * Math.log(scale) + 1.0;
    }

    /** As HF: a top-level original_max_position_embeddings (Phi-3), else the rope key, else max_position_embeddings. */
    private static int originalContext(HfConfig hf, Keys keys) {
        if (hf.has("original_max_position_embeddings")) {
            return hf.integer("original_max_position_embeddings");
        }
        if (!keys.isNull("original_max_position_embeddings")) {
            JsonNode n = keys.rope.get("original_max_position_embeddings");
            if (!n.canConvertToInt()) {
                throw new ModelLoadException(hf.file() + ": " + keys.where
                        + " 'original_max_position_embeddings' should be an integer, found " + n);
            }
            return n.asInt();
        }
        return hf.integer("max_position_embeddings");
    }

    private static ModelLoadException refused(HfConfig hf, String type, String why) {
        return new ModelLoadException(hf.file() + ": rope_type '" + type + "' is not supported (" + why
                + "); supported rope_types: " + SUPPORTED);
    }

    /** Numeric keys of the rope object, with errors that name the file, the object and the key. */
    private record Keys(HfConfig hf, JsonNode rope, String where) {

        boolean isNull(String key) {
            return !rope.has(key) || rope.get(key).isNull();
        }

        double number(String key, String type) {
            return hf.ropeInner(key).orElseThrow(() -> missing(key, type));
        }

        ModelLoadException missing(String key, String type) {
            return new ModelLoadException(hf.file() + ": rope_type '" + type + "' needs '" + key + "' in " + where
                    + " (a number)");
        }

        double number(String key, double fallback) {
            return hf.ropeInner(key).orElse(fallback);
        }
    }
}

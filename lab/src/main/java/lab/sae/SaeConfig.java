package lab.sae;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An SAE's cfg.json as SAELens 6.x writes it. The hook and model live in {@code metadata}
 * (SAELens drops the metadata, hook name included, unless it holds {@code sae_lens_version}).
 *
 * @param k for topk: features kept per token; 0 for standard
 * @param reshapeActivations "none", or "hook_z" for an SAE on attn.hook_z flattened over heads
 */
public record SaeConfig(SaeArchitecture architecture, int dIn, int dSae, int k, boolean applyBDecToInput,
                        boolean rescaleActsByDecoderNorm, String reshapeActivations, ObjectNode metadata) {

    /** The SAELens version whose format this is, written into metadata. */
    public static final String SAE_LENS_VERSION = "6.18.0";

    public SaeConfig {
        if (dIn < 1 || dSae < 1) {
            throw new IllegalArgumentException("d_in and d_sae must be positive, got " + dIn + " and " + dSae);
        }
        if (architecture == SaeArchitecture.TOPK && (k < 1 || k > dSae)) {
            throw new IllegalArgumentException("topk needs 1 <= k <= d_sae (" + dSae + "), got k " + k);
        }
        if (!reshapeActivations.equals("none") && !reshapeActivations.equals("hook_z")) {
            throw new IllegalArgumentException("reshape_activations '" + reshapeActivations + "' is not supported; use"
                    + " \"none\" or \"hook_z\"");
        }
        metadata = metadata == null ? JsonNodeFactory.instance.objectNode() : metadata.deepCopy();
    }

    /** The hook point the SAE reads, from metadata; empty if unknown. */
    public String hookName() {
        return metadata.path("hook_name").asText("");
    }

    @Override
    public ObjectNode metadata() {
        return metadata.deepCopy();
    }

    /** This config with {@code rescale_acts_by_decoder_norm} set (the saved form folds the norms in). */
    public SaeConfig withRescale(boolean rescale) {
        return new SaeConfig(architecture, dIn, dSae, k, applyBDecToInput, rescale, reshapeActivations, metadata);
    }

    /** Reads cfg.json; {@code where} names the file in errors. A missing k or d_sae is an error, never a default. */
    public static SaeConfig fromJson(JsonNode cfg, String where) {
        if (!cfg.isObject()) {
            throw new IllegalArgumentException(where + " is not a JSON object");
        }
        SaeArchitecture arch = SaeArchitecture.parse(cfg.path("architecture").asText("standard"), where);
        int dIn = requireInt(cfg, "d_in", where);
        int dSae = requireInt(cfg, "d_sae", where);
        int k = 0;
        if (arch == SaeArchitecture.TOPK) {
            // SAELens silently defaults k to 100; a topk SAE read with the wrong k computes something else
            k = requireInt(cfg, "k", where);
        }
        String normalize = cfg.path("normalize_activations").asText("none");
        if (!normalize.equals("none")) {
            throw new IllegalArgumentException(where + ": normalize_activations '" + normalize
                    + "' is not supported (only \"none\"): the lab cannot reproduce its scaling");
        }
        JsonNode meta = cfg.path("metadata");
        try {
            return new SaeConfig(arch, dIn, dSae, k, cfg.path("apply_b_dec_to_input").asBoolean(true),
                    cfg.path("rescale_acts_by_decoder_norm").asBoolean(false),
                    cfg.path("reshape_activations").asText("none"), meta.isObject() ? (ObjectNode) meta : null);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static int requireInt(JsonNode cfg, String key, String where) {
        JsonNode v = cfg.get(key);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(where + " has no '" + key + "'; add it (an integer)");
        }
        if (!v.canConvertToInt()) {
            throw new IllegalArgumentException(where + ": '" + key + "' is " + v + ", not an integer");
        }
        return v.asInt();
    }

    /** cfg.json in SAELens's layout (key order does not matter to SAELens). */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("architecture", architecture.saeLensName());
        o.put("d_in", dIn);
        o.put("d_sae", dSae);
        o.put("dtype", "float32");
        o.put("device", "cpu");
        o.put("apply_b_dec_to_input", applyBDecToInput);
        o.put("normalize_activations", "none");
        o.put("reshape_activations", reshapeActivations);
        if (architecture == SaeArchitecture.TOPK) {
            o.put("k", k);
            o.put("rescale_acts_by_decoder_norm", rescaleActsByDecoderNorm);
        }
        ObjectNode meta = metadata.deepCopy();
        if (!meta.has("sae_lens_version")) {
            meta.put("sae_lens_version", SAE_LENS_VERSION);
        }
        o.set("metadata", meta);
        return o;
    }
}

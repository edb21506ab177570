package lab.experiments.patching;

import lab.experiments.ParamValues;

import com.fasterxml.jackson.databind.JsonNode;

/** How {@link AttributionPatch} estimates a patch. */
public enum AttributionMethod {

    /** Nanda's AtP: (a_source - a_receiver) . d logit_diff / d a, the first-order term. */
    ATP("atp"),
    /**
     * Kramár et al.'s AtP* fix for queries and keys: the patched head's attention pattern is
     * recomputed exactly (softmax of the patched scores) and only what follows the pattern is taken
     * to first order, so a saturated softmax, whose gradient is ~0, does not hide a large change.
     */
    ATP_STAR("atp_star"),
    /** Integrated gradients: AtP's gradient averaged along the path from receiver to source (see {@link IntegratedGradients}). */
    IG("ig");

    private final String label;

    AttributionMethod(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /**
     * {@code experiment.method}; missing, each granularity's default (atp_star for head_q and
     * head_k, atp for every other). Whether it fits the granularity is {@link #requireFits}'s.
     */
    public static AttributionMethod parse(JsonNode method, PatchGranularity granularity) {
        if (method.isMissingNode() || method.isNull()) {
            return defaultFor(granularity);
        }
        return ParamValues.oneOf("method", method.isTextual() ? method.asText() : method.toString(), values(),
                AttributionMethod::label);
    }

    /** atp_star for head_q and head_k, where AtP* corrects the softmax; atp for every other granularity. */
    public static AttributionMethod defaultFor(PatchGranularity granularity) {
        return granularity.queryOrKey() ? ATP_STAR : ATP;
    }

    /** The one check that a method fits a granularity: atp_star applies to head_q and head_k only. */
    void requireFits(PatchGranularity granularity) {
        if (this == ATP_STAR && !granularity.queryOrKey()) {
            throw new IllegalArgumentException("experiment.method \"atp_star\" applies to granularity \"head_q\" and"
                    + " \"head_k\" only (it recomputes the attention pattern of a head whose queries or keys are"
                    + " patched); granularity \"" + granularity.label() + "\" takes \"atp\" or \"ig\": leave method out for atp");
        }
    }
}

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
     * to first order, so a saturated softmax, whose gradient is ~0, does not hide a large change. For
     * a residual, the same is done for the pattern of the block it enters ({@link ResidualAttribution}).
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
     * {@code experiment.method}; missing, each granularity's default (see {@link #defaultFor}).
     * Whether it fits the granularity is {@link #requireFits}'s.
     */
    public static AttributionMethod parse(JsonNode method, PatchGranularity granularity) {
        if (method.isMissingNode() || method.isNull()) {
            return defaultFor(granularity);
        }
        return ParamValues.oneOf("method", method.isTextual() ? method.asText() : method.toString(), values(),
                AttributionMethod::label);
    }

    /**
     * atp_star where AtP* corrects a softmax: head_q and head_k, and layer_resid (the block the
     * residual enters); atp for every other granularity.
     */
    public static AttributionMethod defaultFor(PatchGranularity granularity) {
        return starFits(granularity) ? ATP_STAR : ATP;
    }

    /** The one check that a method fits a granularity: atp_star applies to head_q, head_k and layer_resid only. */
    public void requireFits(PatchGranularity granularity) {
        if (this == ATP_STAR && !starFits(granularity)) {
            throw new IllegalArgumentException("experiment.method \"atp_star\" applies to granularity \"head_q\","
                    + " \"head_k\" and \"layer_resid\" only (it recomputes the attention pattern that the patched queries,"
                    + " keys or residual make); granularity \"" + granularity.label() + "\" takes \"atp\" or \"ig\":"
                    + " leave method out for atp");
        }
    }

    /** Whether the patch reaches a softmax AtP* recomputes: the patched queries or keys, or the residual's next block. */
    private static boolean starFits(PatchGranularity granularity) {
        return granularity.queryOrKey() || granularity == PatchGranularity.LAYER_RESID;
    }
}

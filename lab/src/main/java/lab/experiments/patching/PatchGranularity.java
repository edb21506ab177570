package lab.experiments.patching;

import lab.experiments.ParamValues;

/** What an activation patch replaces: which hook point, and whether it is cut into heads. */
public enum PatchGranularity {

    /** The residual stream entering a block, at one position. */
    LAYER_RESID("layer_resid", "hook_resid_pre"),
    /** The attention block's output (all heads, after W_O), at one position. */
    ATTN_OUT("attn_out", "hook_attn_out"),
    /** The MLP's output, at one position. */
    MLP_OUT("mlp_out", "hook_mlp_out"),
    /** One head's slice of hook_z (before W_O), at every position or at one. */
    HEAD_OUT("head_out", "attn.hook_z"),
    /** One head's queries (hook_q, before rotary), at every position or at one. */
    HEAD_Q("head_q", "attn.hook_q"),
    /** One head's keys (hook_k, before rotary; a grouped key head's copy for that query head only). */
    HEAD_K("head_k", "attn.hook_k");

    private final String label;
    private final String hookSuffix;

    PatchGranularity(String label, String hookSuffix) {
        this.label = label;
        this.hookSuffix = hookSuffix;
    }

    /** The config value, e.g. {@code layer_resid}. */
    public String label() {
        return label;
    }

    /** The hook point patched in {@code layer}, e.g. {@code blocks.1.hook_attn_out}. */
    public String hook(int layer) {
        return "blocks." + layer + "." + hookSuffix;
    }

    /** Whether a site names a head (hook_z, hook_q, hook_k: [batch, pos, head, d_head]). */
    public boolean perHead() {
        return this == HEAD_OUT || queryOrKey();
    }

    /** Whether this patches what a head's attention scores are made of (AtP* applies). */
    public boolean queryOrKey() {
        return this == HEAD_Q || this == HEAD_K;
    }

    public static PatchGranularity parse(String value) {
        return ParamValues.oneOf("granularity", value, values(), PatchGranularity::label);
    }
}

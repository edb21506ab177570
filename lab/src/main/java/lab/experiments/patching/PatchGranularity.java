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
    HEAD_OUT("head_out", "attn.hook_z");

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

    public boolean perHead() {
        return this == HEAD_OUT;
    }

    public static PatchGranularity parse(String value) {
        return ParamValues.oneOf("granularity", value, values(), PatchGranularity::label);
    }
}

package lab.experiments.patching;

/**
 * One patched component: a layer, and a head and/or a position; {@link #ALL} where the patch spans
 * that axis (a head's output at every position) or the component has no such axis (a residual has
 * no heads).
 */
public record PatchSite(int layer, int head, int position) {

    public static final int ALL = -1;
}

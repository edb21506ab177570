package lab.runtime;

import ai.djl.ndarray.NDArray;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * How to run one forward call. Immutable; each {@code with...} returns a changed copy.
 *
 * @param hooks interventions and readers for this call only
 * @param cacheFilter which hook points to cache (by name)
 * @param startAtLayer first block to run; above 0 the input is the residual entering that block
 * @param stopAtLayer block to stop before, returning the residual entering it (TransformerLens's
 *     exclusive {@code stop_at_layer}); -1 runs to logits
 * @param positions positions to unembed (negative counts from the end); null for all. The final
 *     norm then also sees only these positions, and so does the last block after its keys and
 *     values (see {@link #narrowedLastBlock}) where no hook or cache reads those points.
 * @param startZ null, or the value of block {@code startAtLayer}'s {@code attn.hook_z} to resume
 *     that block at (see {@link #resumingAtZ})
 * @param narrowedLastBlock the last block computes its queries' side at the unembedded positions
 *     alone even where hooks or the cache read those points (they then see those positions only);
 *     without it, only where nothing reads them. Which points that narrows, and along which axis,
 *     is {@link HookNames#queryAxis}'s: the scores and pattern on their query axis (2), hook_z,
 *     the attention output, MLP and residuals on axis 1, hook_q on axis 1 without rotary; the
 *     keys and values, and with rotary hook_q and hook_rot_q, keep every position
 * @param vocabulary token ids whose logits to compute, in this order (the output's last axis);
 *     null for the whole vocabulary
 */
public record RunOptions(Hooks hooks, Predicate<String> cacheFilter, int startAtLayer, int stopAtLayer,
                         int[] positions, NDArray startZ, boolean narrowedLastBlock, long[] vocabulary) {

    private static final Predicate<String> NOTHING = name -> false;

    public RunOptions {
        Objects.requireNonNull(hooks, "hooks");
        Objects.requireNonNull(cacheFilter, "cacheFilter");
        positions = positions == null ? null : positions.clone();
        vocabulary = vocabulary == null ? null : vocabulary.clone();
    }

    public static RunOptions defaults() {
        return new RunOptions(Hooks.none(), NOTHING, 0, -1, null, null, false, null);
    }

    public RunOptions withHooks(Hooks newHooks) {
        return new RunOptions(newHooks, cacheFilter, startAtLayer, stopAtLayer, positions, startZ, narrowedLastBlock, vocabulary);
    }

    public RunOptions withHooks(Hook... newHooks) {
        return withHooks(Hooks.of(newHooks));
    }

    /** Caches every hook point whose whole name matches {@code regex}. */
    public RunOptions caching(Pattern regex) {
        return new RunOptions(hooks, name -> regex.matcher(name).matches(), startAtLayer, stopAtLayer, positions, startZ, narrowedLastBlock, vocabulary);
    }

    public RunOptions caching(String... names) {
        java.util.Set<String> set = java.util.Set.of(names);
        return new RunOptions(hooks, set::contains, startAtLayer, stopAtLayer, positions, startZ, narrowedLastBlock, vocabulary);
    }

    public RunOptions cachingAll() {
        return new RunOptions(hooks, name -> true, startAtLayer, stopAtLayer, positions, startZ, narrowedLastBlock, vocabulary);
    }

    public RunOptions startAt(int layer) {
        return new RunOptions(hooks, cacheFilter, layer, stopAtLayer, positions, null, narrowedLastBlock, vocabulary);
    }

    public RunOptions stopAt(int layer) {
        return new RunOptions(hooks, cacheFilter, startAtLayer, layer, positions, startZ, narrowedLastBlock, vocabulary);
    }

    public RunOptions unembedOnly(int... chosen) {
        return new RunOptions(hooks, cacheFilter, startAtLayer, stopAtLayer, chosen, startZ, narrowedLastBlock, vocabulary);
    }

    /**
     * Starts inside block {@code layer} at its attention's hook_z: the input is the residual
     * entering the block, as with {@link #startAt}, and {@code z} [batch, pos, head, d_head] the
     * value hook_z has there before any hook, e.g. a clean run's cached hook_z when nothing upstream
     * of it changes. hook_z's hooks act on it; ln1, q, k, v, the scores and the pattern of that block
     * are not recomputed, so they may be neither hooked nor cached; its hook_resid_pre may be cached
     * but not hooked (z would not follow the change); a stop must come after the block. Exact, and a block's attention
     * cheaper for every run that changes nothing before hook_z.
     */
    public RunOptions resumingAtZ(int layer, NDArray z) {
        return new RunOptions(hooks, cacheFilter, layer, stopAtLayer, positions, Objects.requireNonNull(z, "z"),
                narrowedLastBlock, vocabulary);
    }

    /** See {@link #narrowedLastBlock}: for a caller that reads the last block's later points at the unembedded positions only. */
    public RunOptions narrowingLastBlock() {
        return new RunOptions(hooks, cacheFilter, startAtLayer, stopAtLayer, positions, startZ, true, vocabulary);
    }

    /**
     * Computes the logits of these token ids alone, in this order: the output is [batch, pos,
     * tokens.length]. For a caller that reads a few logits (a logit difference): the unembedding
     * then reads those rows of W_U, not the whole matrix, forward and backward.
     */
    public RunOptions logitsOf(long... tokens) {
        return new RunOptions(hooks, cacheFilter, startAtLayer, stopAtLayer, positions, startZ, narrowedLastBlock,
                Objects.requireNonNull(tokens, "tokens"));
    }

    @Override
    public int[] positions() {
        return positions == null ? null : positions.clone();
    }

    @Override
    public long[] vocabulary() {
        return vocabulary == null ? null : vocabulary.clone();
    }
}

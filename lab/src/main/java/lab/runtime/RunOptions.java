package lab.runtime;

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
 *     norm then also sees only these positions.
 */
public record RunOptions(Hooks hooks, Predicate<String> cacheFilter, int startAtLayer, int stopAtLayer,
                         int[] positions) {

    private static final Predicate<String> NOTHING = name -> false;

    public RunOptions {
        Objects.requireNonNull(hooks, "hooks");
        Objects.requireNonNull(cacheFilter, "cacheFilter");
        positions = positions == null ? null : positions.clone();
    }

    public static RunOptions defaults() {
        return new RunOptions(Hooks.none(), NOTHING, 0, -1, null);
    }

    public RunOptions withHooks(Hooks newHooks) {
        return new RunOptions(newHooks, cacheFilter, startAtLayer, stopAtLayer, positions);
    }

    public RunOptions withHooks(Hook... newHooks) {
        return withHooks(Hooks.of(newHooks));
    }

    /** Caches every hook point whose whole name matches {@code regex}. */
    public RunOptions caching(Pattern regex) {
        return new RunOptions(hooks, name -> regex.matcher(name).matches(), startAtLayer, stopAtLayer, positions);
    }

    public RunOptions caching(String... names) {
        java.util.Set<String> set = java.util.Set.of(names);
        return new RunOptions(hooks, set::contains, startAtLayer, stopAtLayer, positions);
    }

    public RunOptions cachingAll() {
        return new RunOptions(hooks, name -> true, startAtLayer, stopAtLayer, positions);
    }

    public RunOptions startAt(int layer) {
        return new RunOptions(hooks, cacheFilter, layer, stopAtLayer, positions);
    }

    public RunOptions stopAt(int layer) {
        return new RunOptions(hooks, cacheFilter, startAtLayer, layer, positions);
    }

    public RunOptions unembedOnly(int... chosen) {
        return new RunOptions(hooks, cacheFilter, startAtLayer, stopAtLayer, chosen);
    }

    @Override
    public int[] positions() {
        return positions == null ? null : positions.clone();
    }
}

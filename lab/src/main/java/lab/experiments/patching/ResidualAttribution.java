package lab.experiments.patching;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import lab.runtime.ModelConfig;

/**
 * AtP* for a patch of the residual stream entering a block ({@code layer_resid}): Kramár et al.'s
 * fix for saturated attention, applied to the block that the patched residual feeds. The block's
 * layer norm and query and key projections act on each position alone, so patching the residual at
 * position p gives that block exactly the source's query and key at p: the block's new pattern is
 * recomputed from them ({@link QueryKeyAttribution}, both sides) and its change taken to first order,
 * and every other path from the residual (the skip connection, the values under the fixed pattern,
 * the MLP, the blocks above) to first order as AtP does, with the gradient taken while the block's
 * pattern is held fixed. Softmaxes of the blocks above stay linearised. A whole-token swap moves
 * queries and keys far, which is where plain AtP's tangent can point the wrong way.
 *
 * <p>The gradient with the pattern held fixed needs a backward of its own per block: the run for
 * block L detaches L's pattern only, so the paths through the blocks above keep theirs.
 */
final class ResidualAttribution {

    /** (source - receiver) . gradient with the block's pattern held fixed, per position. */
    private final double[] residualTerms;
    /** The block's patterns recomputed for the source's query and key at a position. */
    private final QueryKeyAttribution attention;

    private ResidualAttribution(double[] residualTerms, QueryKeyAttribution attention) {
        this.residualTerms = residualTerms;
        this.attention = attention;
    }

    /** The points block {@code layer}'s run caches: its input residual, queries, keys and pattern. */
    static List<String> hooks(ModelConfig config, int layer) {
        List<String> hooks = new ArrayList<>();
        hooks.add(PatchGranularity.LAYER_RESID.hook(layer));
        hooks.addAll(QueryKeyAttribution.hooks(config, layer));
        return hooks;
    }

    /** The point block {@code layer}'s run holds fixed in its backward: the block's pattern. */
    static Set<String> detached(int layer) {
        return Set.of(QueryKeyAttribution.patternHook(layer));
    }

    /** @param run cached at {@link #hooks} with {@link #detached} held fixed, with the receiver's gradient */
    static ResidualAttribution of(GradientRun run, ModelConfig config, int layer, int source, int receiver) {
        return new ResidualAttribution(AttributionPatch.terms(run, PatchGranularity.LAYER_RESID.hook(layer), source, receiver),
                QueryKeyAttribution.of(run, config, layer, QueryKeyAttribution.Side.BOTH, source, receiver));
    }

    /** The estimated change of logit_diff when the residual at the site's position is the source's. */
    double estimate(PatchSite site) {
        return residualTerms[site.position()] + attention.everyHead(site.position());
    }
}

package lab.experiments.patching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleFunction;
import lab.experiments.Experiment;
import lab.runtime.Fixtures;
import lab.runtime.Hook;
import lab.runtime.HookedTransformer;
import lab.runtime.RunOptions;
import org.junit.jupiter.api.Test;

/**
 * attribution_patch's AtP* for layer_resid against an independent computation of what it claims to
 * be: the derivative, along eps, of plain forwards that move the residual at the patched position
 * by eps x (source - receiver) while the block's pattern is set to the receiver's plus eps x (the
 * exact patched pattern - the receiver's), the exact patched pattern read from a plain forward that
 * patches the residual. Then, where the block's attention saturates, that AtP* is nearer the exact
 * patch than AtP.
 */
class ResidualAttributionTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double EPS = 0.1;
    /** The corrupted token (14 in every sharp fixture) and two positions after it. */
    private static final String POSITIONS = "[14, 15, 22]";

    @Test
    void atpStarIsTheFirstOrderTermAlongTheResidualAndTheExactPatternChange() throws Exception {
        // gpt2: learned positions; pythia: partial rotary, parallel blocks; llama: rotary, grouped keys;
        // gptneo: a local window, no score scaling
        for (String name : new String[] {"gpt2-sharp", "pythia-sharp", "llama-sharp", "gptneo-sharp"}) {
            var ref = Fixtures.referenceJson(name);
            long[] clean = Fixtures.ids(ref.get("clean_ids"));
            long[] corrupt = Fixtures.ids(ref.get("corrupt_ids"));
            List<double[]> pairs = new ArrayList<>();
            try (HookedTransformer model = Fixtures.load(name); NDManager m = NDManager.newBaseManager()) {
                Experiment star = AttributionPatch.fromParams(JSON.readTree(
                        "{\"direction\": \"both\", \"granularity\": \"layer_resid\", \"positions\": " + POSITIONS + "}"));
                double cleanLd = AttributionPatchTest.logitDiff(model, m, clean, RunOptions.defaults());
                double corruptLd = AttributionPatchTest.logitDiff(model, m, corrupt, RunOptions.defaults());
                for (var row : SaturatedAttention.logitDiffs(star, model, clean, corrupt)) {
                    boolean intoCorrupt = row.getKey().get("direction").equals("clean_to_corrupt");
                    int layer = (Integer) row.getKey().get("layer");
                    int position = (Integer) row.getKey().get("position");
                    long[] receiver = intoCorrupt ? corrupt : clean;
                    double expected = firstOrder(model, m, receiver, intoCorrupt ? clean : corrupt, layer, position);
                    pairs.add(new double[] {row.getValue() - (intoCorrupt ? corruptLd : cleanLd), expected});
                }
            }
            double largest = pairs.stream().mapToDouble(x -> Math.abs(x[1])).max().orElseThrow();
            double worst = pairs.stream().mapToDouble(x -> Math.abs(x[0] - x[1])).max().orElseThrow();
            System.out.printf("%s layer_resid: %d estimates, largest first-order term %.3e, largest error %.3e%n", name,
                    pairs.size(), largest, worst);
            assertTrue(largest > 1e-2, name + ": some estimate must be non-zero");
            for (double[] x : pairs) {
                assertEquals(x[1], x[0], 1e-3 * largest, name);
            }
        }
    }

    /**
     * d/d eps at 0 of logit_diff with the residual entering {@code layer} moved by eps x (source -
     * receiver) at {@code position} and the block's pattern set to A + eps x (A' - A) (Richardson
     * extrapolation of two central differences).
     */
    private static double firstOrder(HookedTransformer model, NDManager m, long[] receiver, long[] source, int layer,
                                     int position) {
        String resid = PatchGranularity.LAYER_RESID.hook(layer);
        String patternHook = QueryKeyAttribution.patternHook(layer);
        NDArray receiverResid = cached(model, m, receiver, resid, RunOptions.defaults());
        NDArray sourceRow = cached(model, m, source, resid, RunOptions.defaults()).get(":, {}", position);
        NDArray delta = receiverResid.zerosLike();
        delta.set(new NDIndex(":, {}", position), sourceRow.sub(receiverResid.get(":, {}", position)));
        NDArray pattern = cached(model, m, receiver, patternHook, RunOptions.defaults());
        NDArray patched = cached(model, m, receiver, patternHook, RunOptions.defaults()
                .withHooks(Hook.replacing(resid, x -> x.add(delta))));
        DoubleFunction<RunOptions> along = eps -> RunOptions.defaults().withHooks(
                Hook.replacing(resid, x -> x.add(delta.mul(eps))),
                Hook.replacing(patternHook, x -> pattern.add(patched.sub(pattern).mul(eps))));
        double wide = centralDifference(model, m, receiver, along, EPS);
        double narrow = centralDifference(model, m, receiver, along, EPS / 2);
        return (4 * narrow - wide) / 3;
    }

    private static double centralDifference(HookedTransformer model, NDManager m, long[] receiver,
                                            DoubleFunction<RunOptions> along, double eps) {
        return (AttributionPatchTest.logitDiff(model, m, receiver, along.apply(eps))
                - AttributionPatchTest.logitDiff(model, m, receiver, along.apply(-eps))) / (2 * eps);
    }

    private static NDArray cached(HookedTransformer model, NDManager m, long[] prompt, String hook, RunOptions options) {
        return model.run(m, model.tokens(m, prompt), options.caching(hook)).cache().get(hook);
    }

    @Test
    void whereTheBlocksAttentionSaturatesAtpStarIsNearerTheExactPatchThanAtp() throws Exception {
        // the last block saturated, and no softmax above it left linearised
        double[] errors = SaturatedAttention.errorsInSaturatedLastLayer(
                "{\"direction\": \"clean_to_corrupt\", \"granularity\": \"layer_resid\"");
        // measured: AtP*'s error is 0.31x AtP's
        assertTrue(errors[0] < 0.5 * errors[1], "AtP* error " + errors[0] + " vs AtP " + errors[1]);
    }
}

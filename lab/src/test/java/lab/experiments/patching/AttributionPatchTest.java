package lab.experiments.patching;

import lab.experiments.PreparedExample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lab.experiments.metrics.AnswerMetrics;
import lab.experiments.metrics.PatchScore;
import lab.runtime.Fixtures;
import lab.runtime.ForwardResult;
import lab.runtime.Hook;
import lab.runtime.HookedTransformer;
import lab.runtime.RunOptions;
import org.junit.jupiter.api.Test;

/**
 * attribution_patch's estimates against an independent computation of the same first-order term:
 * a central finite difference of plain hooked forwards that patch a small fraction eps of
 * (source - receiver) into the patched cells; and, where logit_diff is affine in the activation,
 * against the exact patch itself.
 */
class AttributionPatchTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> METRICS = List.of(AnswerMetrics.LOGIT_DIFF);
    private static final long TARGET = 5;
    private static final long FOIL = 7;
    private static final double EPS = 0.1;


    @Test
    void everyEstimateIsTheFiniteDifferenceOfPlainPatches() throws Exception {
        for (String name : new String[] {"gpt2-tiny", "gpt2-sharp"}) {
            for (String params : new String[] {
                    "{\"direction\": \"both\", \"granularity\": \"layer_resid\", \"method\": \"atp\"}",  // plain AtP (AtP*, layer_resid's default, is ResidualAttributionTest's)
                    "{\"direction\": \"both\", \"granularity\": \"attn_out\", \"positions\": [0, 5, 14, 22]}",
                    "{\"direction\": \"clean_to_corrupt\", \"granularity\": \"mlp_out\", \"layers\": [0]}",
                    "{\"direction\": \"both\", \"granularity\": \"head_out\"}",
                    "{\"direction\": \"corrupt_to_clean\", \"granularity\": \"head_out\", \"per_position\": true,"
                            + " \"positions\": [3, 14, 22]}"}) {
                checkAgainstFiniteDifferences(name, params);
            }
        }
    }

    /**
     * Plain AtP of queries and keys (AtP* is QueryKeyAttributionTest's); on the *-tiny models they
     * barely move anything, and on llama-sharp the first-order term of a query is so curved (5.7)
     * that a difference quotient at eps 0.1 is 0.4% off.
     */
    @Test
    void atpOfQueriesAndKeysIsTheFiniteDifferenceOfPlainPatches() throws Exception {
        for (String name : new String[] {"gpt2-sharp", "pythia-sharp"}) {
            for (String params : new String[] {
                    "{\"direction\": \"both\", \"granularity\": \"head_q\", \"method\": \"atp\"}",
                    "{\"direction\": \"clean_to_corrupt\", \"granularity\": \"head_k\", \"method\": \"atp\", \"per_position\": true,"
                            + " \"positions\": [2, 14, 22]}"}) {
                checkAgainstFiniteDifferences(name, params);
            }
        }
    }

    private void checkAgainstFiniteDifferences(String name, String params) throws Exception {
        AttributionPatch experiment = AttributionPatch.fromParams(JSON.readTree(params));
        var ref = Fixtures.referenceJson(name);
        long[] clean = Fixtures.ids(ref.get("clean_ids"));
        long[] corrupt = Fixtures.ids(ref.get("corrupt_ids"));
        PreparedExample ex = new PreparedExample("pair", "g", clean, corrupt, TARGET, FOIL);
        try (HookedTransformer model = Fixtures.load(name); NDManager m = NDManager.newBaseManager()) {
            experiment.check(model.config());
            List<ReportedRow> rows = ReportedRow.of(experiment, model, ex, METRICS);
            double cleanLd = logitDiff(model, m, clean, RunOptions.defaults());
            double corruptLd = logitDiff(model, m, corrupt, RunOptions.defaults());
            List<double[]> pairs = new ArrayList<>();
            for (ReportedRow row : rows) {
                assertEquals(cleanLd, row.baselines().get(AnswerMetrics.CLEAN_LOGIT_DIFF), 1e-4);
                assertEquals(corruptLd, row.baselines().get(PatchScore.CORRUPT_LOGIT_DIFF), 1e-4);
                String direction = (String) row.condition().get("direction");
                if (direction.equals(PatchDirection.ASYMMETRY)) {
                    continue;
                }
                boolean intoCorrupt = direction.equals("clean_to_corrupt");
                String hook = hook(params, (Integer) row.condition().get("layer"));
                long[] receiver = intoCorrupt ? corrupt : clean;
                NDArray source = model.run(m, model.tokens(m, intoCorrupt ? clean : corrupt), RunOptions.defaults().caching(hook))
                        .cache().get(hook);
                NDIndex cells = ActivationPatchTest.cells(row.condition());
                double firstOrder = firstOrder(model, m, receiver, hook, cells, source);
                double receiverLd = intoCorrupt ? corruptLd : cleanLd;
                double ld = row.values().get(AnswerMetrics.LOGIT_DIFF);
                pairs.add(new double[] {ld - receiverLd, firstOrder});
                double c = row.baselines().get(AnswerMetrics.CLEAN_LOGIT_DIFF);
                double x = row.baselines().get(PatchScore.CORRUPT_LOGIT_DIFF);
                double expectedScore = intoCorrupt ? (ld - x) / (c - x) : (c - ld) / (c - x);
                assertEquals(expectedScore, row.values().get(PatchScore.NAME), 1e-9 * Math.max(1, Math.abs(expectedScore)));
            }
            double largest = pairs.stream().mapToDouble(p -> Math.abs(p[1])).max().orElseThrow();
            double worst = pairs.stream().mapToDouble(p -> Math.abs(p[0] - p[1])).max().orElseThrow();
            System.out.printf("%s %s: %d estimates, largest |first-order term| %.3e, largest error %.3e%n", name, params,
                    pairs.size(), largest, worst);
            assertTrue(largest > 1e-3, name + " " + params + ": some estimate must be non-zero");
            // relative to the map's largest term, with a floor for the quotient's own rounding: a float32
            // forward's logit difference of a few units carries ~1e-7 to 1e-6 of rounding, and the
            // extrapolated quotient divides differences of two by 0.05 and 0.1 (weights 4/3, 1/3): ~1e-5
            double tolerance = Math.max(1e-3 * largest, 2e-5);
            for (double[] p : pairs) {
                assertEquals(p[1], p[0], tolerance, name + " " + params);
            }
        }
    }

    @Test
    void theEstimateIsExactWhereLogitDiffIsAffineInTheActivation() {
        // logit_diff = (normalized * w + b) . (W_U[target] - W_U[foil]) + const: affine in the final norm's output
        String hook = "ln_final.hook_normalized";
        for (String name : new String[] {"gpt2-tiny", "gpt2-sharp"}) {
            var ref = Fixtures.referenceJson(name);
            long[] clean = Fixtures.ids(ref.get("clean_ids"));
            long[] corrupt = Fixtures.ids(ref.get("corrupt_ids"));
            try (HookedTransformer model = Fixtures.load(name); NDManager m = NDManager.newBaseManager()) {
                GradientRun runs = GradientRun.of(model, m, List.of(clean, corrupt), TARGET, FOIL, List.of(hook), List.of(1));
                double[] terms = AttributionPatch.terms(runs, hook, 0, 1);
                assertEquals(1, terms.length, "only the last position is normalised");
                NDArray cleanNormalized = runs.activation(hook, 0);
                double exact = logitDiff(model, m, corrupt, RunOptions.defaults().withHooks(
                        Hook.replacing(hook, x -> x.zerosLike().add(cleanNormalized))));
                double patched = runs.logitDiff(1) + terms[0];
                assertEquals(exact, patched, 1e-4 * Math.max(1, Math.abs(exact)), name);
                assertEquals(runs.logitDiff(0), exact, 1e-4 * Math.max(1, Math.abs(exact)), name);
                assertTrue(Math.abs(exact - runs.logitDiff(1)) > 1e-3, name + ": the patch must move logit_diff");
            }
        }
    }

    @Test
    void rowsAreActivationPatchsConditionsInItsOrder() throws Exception {
        String params = "{\"direction\": \"both\", \"granularity\": \"head_out\", \"per_position\": true, \"layers\": [1]}";
        var ref = Fixtures.referenceJson("gpt2-tiny");
        PreparedExample ex = new PreparedExample("pair", "g", Fixtures.ids(ref.get("clean_ids")),
                Fixtures.ids(ref.get("corrupt_ids")), TARGET, FOIL);
        try (HookedTransformer model = Fixtures.load("gpt2-tiny")) {
            AttributionPatch estimate = AttributionPatch.fromParams(JSON.readTree(params));
            ActivationPatch exact = ActivationPatch.fromParams(JSON.readTree(params));
            List<Map<String, Object>> estimated = new ArrayList<>();
            List<Map<String, Object>> patched = new ArrayList<>();
            estimate.run(model, ex, METRICS, (c, v, b) -> estimated.add(c));
            exact.run(model, ex, METRICS, (c, v, b) -> patched.add(c));
            assertEquals(patched, estimated);
            assertEquals(exact.conditionColumns(), estimate.conditionColumns());
            assertEquals(exact.maps(), estimate.maps());
            assertEquals(exact.extraMetrics(), estimate.extraMetrics());
            assertEquals(exact.baselines(), estimate.baselines());
        }
    }

    /**
     * GradientRun computes the last block at the last position only; its terms against those of the
     * full forward, differentiated here by autograd with every position of every block computed
     * (caching the last block's points keeps it whole), for every granularity's hook point.
     */
    @Test
    void theLastBlockAtTheLastPositionGivesTheFullForwardsTerms() {
        for (String name : new String[] {"gpt2-tiny", "pythia-tiny"}) {
            var ref = Fixtures.referenceJson(name);
            List<long[]> prompts = List.of(Fixtures.ids(ref.get("clean_ids")), Fixtures.ids(ref.get("corrupt_ids")));
            try (HookedTransformer model = Fixtures.load(name); NDManager m = NDManager.newBaseManager()) {
                List<String> hooks = new ArrayList<>();
                for (int layer = 0; layer < model.config().nLayers(); layer++) {
                    for (String granularity : new String[] {"layer_resid", "attn_out", "mlp_out", "head_out"}) {
                        hooks.add(hook(granularity, layer));
                    }
                }
                GradientRun runs = GradientRun.of(model, m, prompts, TARGET, FOIL, hooks, List.of(1));
                Map<String, NDArray> leaves = new java.util.LinkedHashMap<>();
                List<Hook> withLeaves = hooks.stream().map(h -> Hook.replacing(h, x -> {
                    NDArray leaf = m.zeros(x.getShape(), x.getDataType());
                    leaf.setRequiresGradient(true);
                    leaves.put(h, leaf);
                    return x.add(leaf);
                })).toList();
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    ForwardResult full = model.run(m, model.tokens(m, prompts.toArray(long[][]::new)), RunOptions.defaults()
                            .caching(hooks.toArray(String[]::new)).unembedOnly(-1).withHooks(withLeaves.toArray(Hook[]::new)));
                    String lastZ = "blocks." + (model.config().nLayers() - 1) + ".attn.hook_z";
                    assertEquals(prompts.get(0).length, full.cache().get(lastZ).getShape().get(1), "the reference is whole");
                    NDArray logits = full.output().reshape(2, -1);
                    gc.backward(logits.get("1, {}", TARGET).sub(logits.get("1, {}", FOIL)));
                    assertEquals(logits.get(":, {}", TARGET).sub(logits.get(":, {}", FOIL)).getFloat(1), runs.logitDiff(1), 1e-5);
                    for (String h : hooks) {
                        NDArray cached = full.cache().get(h).stopGradient().toType(DataType.FLOAT64, false);
                        double[] expected = cached.get("0:1").sub(cached.get("1:2"))
                                .mul(leaves.get(h).getGradient().get("1:2").toType(DataType.FLOAT64, false))
                                .sum(new int[] {-1}).toDoubleArray();
                        double[] actual = AttributionPatch.terms(runs, h, 0, 1);
                        assertEquals(expected.length, actual.length, name + " " + h);
                        double largest = java.util.Arrays.stream(expected).map(Math::abs).max().orElseThrow();
                        for (int i = 0; i < expected.length; i++) {
                            assertEquals(expected[i], actual[i], 1e-6 * Math.max(1, largest), name + " " + h + " term " + i);
                        }
                    }
                }
            }
        }
    }

    @Test
    void badParametersFailWithOneClearMessage() throws Exception {
        var batch = assertThrows(IllegalArgumentException.class, () -> AttributionPatch.fromParams(
                JSON.readTree("{\"direction\": \"both\", \"granularity\": \"head_out\", \"batch_size\": 8}")));
        assertTrue(batch.getMessage().contains("batch_size"), batch.getMessage());
        var granularity = assertThrows(IllegalArgumentException.class, () -> AttributionPatch.fromParams(
                JSON.readTree("{\"direction\": \"both\", \"granularity\": \"head_in\"}")));
        assertTrue(granularity.getMessage().contains("granularity"), granularity.getMessage());
        var star = assertThrows(IllegalArgumentException.class, () -> AttributionPatch.fromParams(
                JSON.readTree("{\"direction\": \"both\", \"granularity\": \"head_out\", \"method\": \"atp_star\"}")));
        assertTrue(star.getMessage().contains("\"atp_star\" applies to granularity \"head_q\", \"head_k\" and \"layer_resid\" only"), star.getMessage());
        var method = assertThrows(IllegalArgumentException.class, () -> AttributionPatch.fromParams(
                JSON.readTree("{\"direction\": \"both\", \"granularity\": \"head_q\", \"method\": \"eap\"}")));
        assertTrue(method.getMessage().contains("experiment.method is 'eap'") && method.getMessage().contains("\"atp_star\"")
                && method.getMessage().contains("\"ig\""), method.getMessage());
        var number = assertThrows(IllegalArgumentException.class, () -> AttributionPatch.fromParams(
                JSON.readTree("{\"direction\": \"both\", \"granularity\": \"head_q\", \"method\": 3}")));
        assertTrue(number.getMessage().contains("experiment.method is '3'") && number.getMessage().contains("\"ig\""),
                number.getMessage());
        ActivationPatch headOut = ActivationPatch.fromParams(JSON.readTree("{\"direction\": \"both\", \"granularity\": \"head_out\"}"));
        var direct = assertThrows(IllegalArgumentException.class,
                () -> new AttributionPatch(headOut, AttributionMethod.ATP_STAR, AttributionPatch.DEFAULT_STEPS));
        assertEquals(star.getMessage(), direct.getMessage(), "one check, one message");
        AttributionPatch ok = AttributionPatch.fromParams(JSON.readTree("{\"direction\": \"both\", \"granularity\": \"mlp_out\"}"));
        var metric = assertThrows(IllegalArgumentException.class, () -> ok.checkMetrics(List.of("logit_diff", "kl")));
        assertTrue(metric.getMessage().contains("'kl'") && metric.getMessage().contains("logit_diff"), metric.getMessage());
        var lengths = assertThrows(IllegalArgumentException.class, () -> ok.check(List.of(
                new PreparedExample("short", "g", new long[] {1, 2, 3}, new long[] {1, 2}, TARGET, FOIL))));
        assertTrue(lengths.getMessage().contains("one length"), lengths.getMessage());
    }

    private static String hook(String params, int layer) {
        return params.contains("layer_resid") ? "blocks." + layer + ".hook_resid_pre"
                : params.contains("attn_out") ? "blocks." + layer + ".hook_attn_out"
                : params.contains("mlp_out") ? "blocks." + layer + ".hook_mlp_out"
                : params.contains("head_q") ? "blocks." + layer + ".attn.hook_q"
                : params.contains("head_k") ? "blocks." + layer + ".attn.hook_k" : "blocks." + layer + ".attn.hook_z";
    }

    /**
     * d logit_diff(receiver + t (source - receiver) in the cells) / dt at t = 0: Richardson's
     * extrapolation of two central differences, error O(eps^4), so eps can stay large enough for
     * float32 rounding (~1e-6 of a logit) not to swamp the quotient.
     */
    static double firstOrder(HookedTransformer model, NDManager m, long[] receiver, String hook, NDIndex cells,
                             NDArray source) {
        double wide = centralDifference(model, m, receiver, hook, cells, source, EPS);
        double narrow = centralDifference(model, m, receiver, hook, cells, source, EPS / 2);
        return (4 * narrow - wide) / 3;
    }

    private static double centralDifference(HookedTransformer model, NDManager m, long[] receiver, String hook,
                                            NDIndex cells, NDArray source, double eps) {
        double up = logitDiff(model, m, receiver, nudged(hook, cells, source, eps));
        double down = logitDiff(model, m, receiver, nudged(hook, cells, source, -eps));
        return (up - down) / (2 * eps);
    }

    /** The receiver's activation plus eps times (source - receiver) in the chosen cells. */
    private static RunOptions nudged(String hook, NDIndex cells, NDArray source, double eps) {
        return RunOptions.defaults().withHooks(Hook.replacing(hook, x -> {
            NDArray y = x.duplicate();
            NDArray here = x.get(cells);
            y.set(cells, here.add(source.get(cells).sub(here).mul(eps)));
            return y;
        }));
    }

    static double logitDiff(HookedTransformer model, NDManager m, long[] prompt, RunOptions options) {
        double[] last = model.run(m, model.tokens(m, prompt), options.unembedOnly(-1)).output().toType(DataType.FLOAT64, false).toDoubleArray();
        return last[(int) TARGET] - last[(int) FOIL];
    }
}

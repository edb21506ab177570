package lab.experiments.patching;

import lab.experiments.PreparedExample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.experiments.metrics.AnswerMetrics;
import lab.experiments.metrics.PatchScore;
import lab.runtime.Fixtures;
import lab.runtime.HookedTransformer;
import org.junit.jupiter.api.Test;

/**
 * attribution_patch's verify_top: the verified rows against activation_patch's own rows for the
 * same sites (an independent run of the exact experiment), the choice of sites against the
 * estimates of a run without verify_top, and the rest of the rows against that run.
 */
class AttributionVerifyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> METRICS = List.of(AnswerMetrics.LOGIT_DIFF);
    private static final String VERIFIED = AttributionPatch.VERIFIED;


    @Test
    void theTopEstimatesArePatchedExactlyAndTheRestAreTheEstimates() throws Exception {
        for (String name : new String[] {"gpt2-sharp", "pythia-sharp"}) {
            for (String params : new String[] {
                    "{\"direction\": \"both\", \"granularity\": \"layer_resid\"}",
                    "{\"direction\": \"both\", \"granularity\": \"head_out\"}",
                    "{\"direction\": \"corrupt_to_clean\", \"granularity\": \"attn_out\", \"positions\": [3, 14, 22]}"}) {
                check(name, params, 3);
            }
        }
    }

    /** More than there are sites: every row is verified, each the exact patch's. */
    @Test
    void verifyTopIsCappedAtTheNumberOfSites() throws Exception {
        check("gpt2-tiny", "{\"direction\": \"both\", \"granularity\": \"head_out\", \"layers\": [1]}", 1000);
    }

    private void check(String name, String params, int k) throws Exception {
        var ref = Fixtures.referenceJson(name);
        PreparedExample ex = new PreparedExample("pair", "g", Fixtures.ids(ref.get("clean_ids")),
                Fixtures.ids(ref.get("corrupt_ids")), 5, 7);
        String verifying = params.replaceFirst("}$", ", \"verify_top\": " + k + "}");
        AttributionPatch verify = AttributionPatch.fromParams(JSON.readTree(verifying));
        try (HookedTransformer model = Fixtures.load(name)) {
            Map<String, ReportedRow> plain = rows(AttributionPatch.fromParams(JSON.readTree(params)), model, ex);
            Map<String, ReportedRow> verified = rows(verify, model, ex);
            Map<String, ReportedRow> exact = rows(ActivationPatch.fromParams(JSON.readTree(params)), model, ex);
            assertEquals(plain.keySet(), verified.keySet(), "the same conditions, in the same order");
            assertTrue(verify.extraMetrics().contains(VERIFIED));
            String label = name + " " + verifying;
            for (PatchDirection d : ActivationPatch.fromParams(JSON.readTree(params)).directions()) {
                double smallestVerified = Double.POSITIVE_INFINITY;
                double largestOther = 0;
                int count = 0;
                int sites = 0;
                for (Map.Entry<String, ReportedRow> e : verified.entrySet()) {
                    if (!d.label().equals(e.getValue().condition().get("direction"))) {
                        continue;
                    }
                    sites++;
                    ReportedRow row = e.getValue();
                    ReportedRow estimate = plain.get(e.getKey());
                    double receiver = estimate.baselines().get(d.receiver() == CleanCorruptRuns.Run.CLEAN
                            ? AnswerMetrics.CLEAN_LOGIT_DIFF : PatchScore.CORRUPT_LOGIT_DIFF);
                    double change = Math.abs(estimate.values().get(AnswerMetrics.LOGIT_DIFF) - receiver);
                    if (row.values().get(VERIFIED) == 1.0) {
                        count++;
                        smallestVerified = Math.min(smallestVerified, change);
                        ReportedRow patched = exact.get(e.getKey());
                        assertEquals(patched.values().get(AnswerMetrics.LOGIT_DIFF), row.values().get(AnswerMetrics.LOGIT_DIFF),
                                1e-5, label + " " + e.getKey());
                        // the same 1e-5 through patch_score's division by clean - corrupt (~0.1 on pythia-sharp:
                        // there the batch's shape alone moves patch_score by ~2e-5 between two exact runs)
                        double span = Math.abs(patched.baselines().get(AnswerMetrics.CLEAN_LOGIT_DIFF)
                                - patched.baselines().get(PatchScore.CORRUPT_LOGIT_DIFF));
                        assertEquals(patched.values().get(PatchScore.NAME), row.values().get(PatchScore.NAME),
                                1e-5 / Math.min(1, span), label + " " + e.getKey());
                    } else {
                        assertEquals(0.0, row.values().get(VERIFIED), label);
                        largestOther = Math.max(largestOther, change);
                        assertEquals(estimate.values(), withoutVerified(row.values()), label + " " + e.getKey());
                    }
                }
                assertEquals(Math.min(k, sites), count, label + ": verified rows of " + d.label());
                // the verified are the top k by |estimate| (ties at the boundary could go either way)
                assertTrue(smallestVerified >= largestOther, label + ": " + smallestVerified + " < " + largestOther);
                if (count < sites) {
                    assertTrue(smallestVerified > 1e-3, label + ": the check needs estimates that are not all zero");
                }
            }
            checkAsymmetry(verified, label);
        }
    }

    /** Asymmetry rows are the difference of the scores as reported, verified when both of them are. */
    private static void checkAsymmetry(Map<String, ReportedRow> rows, String label) {
        for (ReportedRow row : rows.values()) {
            if (!PatchDirection.ASYMMETRY.equals(row.condition().get("direction"))) {
                continue;
            }
            ReportedRow restored = rows.get(key(with(row.condition(), "clean_to_corrupt")));
            ReportedRow broken = rows.get(key(with(row.condition(), "corrupt_to_clean")));
            assertEquals(restored.values().get(PatchScore.NAME) - broken.values().get(PatchScore.NAME),
                    row.values().get(PatchScore.NAME), 1e-12, label);
            boolean both = restored.values().get(VERIFIED) == 1.0 && broken.values().get(VERIFIED) == 1.0;
            assertEquals(both ? 1.0 : 0.0, row.values().get(VERIFIED), label);
        }
    }

    @Test
    void badVerifyTopIsOneClearError() {
        for (String bad : new String[] {"0", "-2", "2.5", "\"3\"", "true", "null"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AttributionPatch.fromParams(
                    JSON.readTree("{\"direction\": \"both\", \"granularity\": \"layer_resid\", \"verify_top\": " + bad + "}")));
            assertTrue(e.getMessage().contains("experiment.verify_top is " + bad)
                    && e.getMessage().contains("whole number >= 1"), e.getMessage());
        }
    }

    private static Map<String, ReportedRow> rows(lab.experiments.Experiment experiment, HookedTransformer model, PreparedExample ex) {
        Map<String, ReportedRow> rows = new LinkedHashMap<>();
        experiment.run(model, ex, METRICS, (c, v, b) -> rows.put(key(c), new ReportedRow(c, v, b)));
        return rows;
    }

    private static Map<String, Double> withoutVerified(Map<String, Double> values) {
        Map<String, Double> rest = new LinkedHashMap<>(values);
        rest.remove(VERIFIED);
        return rest;
    }

    private static Map<String, Object> with(Map<String, Object> condition, String direction) {
        Map<String, Object> c = new LinkedHashMap<>(condition);
        c.put("direction", direction);
        return c;
    }

    private static String key(Map<String, Object> condition) {
        return condition.toString();
    }
}

package lab.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import lab.experiments.metrics.AnswerMetrics;
import org.junit.jupiter.api.Test;

class AnswerMetricsTest {

    private static final float LN2 = (float) Math.log(2);

    @Test
    void valuesByHand() {
        // clean: p = [1/4, 2/4, 1/4]; target 1, foil 0
        AnswerMetrics m = new AnswerMetrics(new float[] {0f, LN2, 0f}, 1, 0);
        assertEquals(LN2, m.cleanLogitDiff(), 1e-6);
        // intervened: p = [2/4, 1/4, 1/4], top-1 moves from 1 to 0
        float[] after = {LN2, 0f, 0f};
        assertEquals(-LN2, m.value(AnswerMetrics.LOGIT_DIFF, after), 1e-6);
        assertEquals(1.0, m.value(AnswerMetrics.ACC_FLIP_RATE, after));
        assertEquals(0.5 - 0.25, m.value(AnswerMetrics.P_DROP, after), 1e-6);
        double kl = 0.25 * Math.log(0.25 / 0.5) + 0.5 * Math.log(0.5 / 0.25) + 0.25 * Math.log(1.0);
        assertEquals(kl, m.value(AnswerMetrics.KL, after), 1e-6);
    }

    @Test
    void noChangeGivesZeroes() {
        float[] logits = {1.5f, -2f, 0.25f, 3f};
        AnswerMetrics m = new AnswerMetrics(logits, 3, 0);
        assertEquals(0.0, m.value(AnswerMetrics.KL, logits), 1e-12);
        assertEquals(0.0, m.value(AnswerMetrics.ACC_FLIP_RATE, logits));
        assertEquals(0.0, m.value(AnswerMetrics.P_DROP, logits), 1e-12);
        assertEquals(1.5, m.value(AnswerMetrics.LOGIT_DIFF, logits), 1e-6);
    }

    @Test
    void unknownMetricIsAnError() {
        AnswerMetrics m = new AnswerMetrics(new float[] {0f, 1f}, 1, 0);
        assertThrows(IllegalArgumentException.class, () -> m.value("accuracy", new float[] {0f, 1f}));
    }

    @Test
    void onlyDivergencesAndRatesAreNonNegative() {
        assertTrue(AnswerMetrics.isNonNegative(AnswerMetrics.KL));
        assertTrue(AnswerMetrics.isNonNegative(AnswerMetrics.ACC_FLIP_RATE));
        // p_drop = p_clean - p_intervened is negative when an intervention helps the target
        assertFalse(AnswerMetrics.isNonNegative(AnswerMetrics.P_DROP));
        assertFalse(AnswerMetrics.isNonNegative(AnswerMetrics.LOGIT_DIFF));
        assertFalse(AnswerMetrics.isNonNegative("logit_diff change"));
        assertFalse(AnswerMetrics.isNonNegative("a metric added later"), "unknown metrics stay signed");
    }

    /** The clean baseline, computed by hand: logit(target) - logit(foil). */
    @Test
    void cleanLogitDiffIsTargetMinusFoil() {
        assertEquals(2.5, new AnswerMetrics(new float[] {0f, 4f, 1.5f}, 1, 2).cleanLogitDiff(), 0.0);
        assertEquals(-2.5, new AnswerMetrics(new float[] {0f, 4f, 1.5f}, 2, 1).cleanLogitDiff(), 0.0);
    }

    /** Ties for the top token go to the lowest id, as torch.argmax does. */
    @Test
    void topTokenTiesGoToTheLowestId() {
        AnswerMetrics m = new AnswerMetrics(new float[] {5f, 5f, 1f}, 0, 2);
        assertEquals(0.0, m.value(AnswerMetrics.ACC_FLIP_RATE, new float[] {5f, 4f, 1f}));
        assertEquals(1.0, m.value(AnswerMetrics.ACC_FLIP_RATE, new float[] {4f, 5f, 1f}));
    }

    /** A token masked out (logit -inf) in both runs adds nothing to kl, rather than 0 * -inf = NaN. */
    @Test
    void klIgnoresTokensTheCleanRunGivesNoProbability() {
        float inf = Float.NEGATIVE_INFINITY;
        AnswerMetrics m = new AnswerMetrics(new float[] {inf, 1f, 2f}, 2, 1);
        double p1 = Math.exp(1) / (Math.exp(1) + Math.exp(2));
        double p2 = 1 - p1;
        double expected = p1 * Math.log(p1 / p2) + p2 * Math.log(p2 / p1);
        assertEquals(expected, m.value(AnswerMetrics.KL, new float[] {inf, 2f, 1f}), 1e-12);
    }
}

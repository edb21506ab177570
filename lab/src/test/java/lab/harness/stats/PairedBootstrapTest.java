package lab.harness.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PairedBootstrapTest {

    @Test
    void identicalRunsGiveAZeroInterval() {
        double[] x = {1.0, 2.5, -3.0, 4.0};
        PairedBootstrap.Interval ci = PairedBootstrap.meanDifference(x, x.clone(), 2_000, 0.95, 1);
        assertEquals(0.0, ci.meanDifference());
        assertEquals(0.0, ci.low());
        assertEquals(0.0, ci.high());
    }

    @Test
    void constantShiftGivesADegenerateIntervalAtTheShift() {
        double[] b = {1, 2, 3, 4, 5};
        double[] a = {1.5, 2.5, 3.5, 4.5, 5.5};
        PairedBootstrap.Interval ci = PairedBootstrap.meanDifference(a, b, 1_000, 0.95, 9);
        assertEquals(0.5, ci.meanDifference(), 1e-15);
        assertEquals(0.5, ci.low(), 1e-15);
        assertEquals(0.5, ci.high(), 1e-15);
    }

    @Test
    void twoPairsHaveAKnownResamplingDistribution() {
        // d = {0, 1}: a resample of size 2 has mean 0 (p 1/4), 0.5 (p 1/2) or 1 (p 1/4).
        // 95%: the 2.5% and 97.5% quantiles are 0 and 1. 40%: the 30% and 70% quantiles are both 0.5.
        double[] a = {0, 1};
        double[] b = {0, 0};
        PairedBootstrap.Interval wide = PairedBootstrap.meanDifference(a, b, 20_000, 0.95, 5);
        assertEquals(0.0, wide.low());
        assertEquals(1.0, wide.high());
        PairedBootstrap.Interval narrow = PairedBootstrap.meanDifference(a, b, 20_000, 0.40, 5);
        assertEquals(0.5, narrow.low());
        assertEquals(0.5, narrow.high());
    }

    @Test
    void reproducibleForASeedAndCloseToTheNormalInterval() {
        Random random = new Random(21);
        int n = 400;
        double[] a = new double[n];
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            b[i] = random.nextGaussian();
            a[i] = b[i] + 0.3 + random.nextGaussian(); // differences ~ N(0.3, 1)
        }
        PairedBootstrap.Interval ci = PairedBootstrap.meanDifference(a, b, 4_000, 0.95, 77);
        assertEquals(ci, PairedBootstrap.meanDifference(a, b, 4_000, 0.95, 77));
        assertNotEquals(ci.low(), PairedBootstrap.meanDifference(a, b, 4_000, 0.95, 78).low());

        PairedSamples pairs = PairedSamples.of(a, b);
        MeanConfidenceInterval t = MeanConfidenceInterval.of(pairs.differences(), 0.95);
        assertEquals(t.mean(), ci.meanDifference(), 1e-12);
        assertTrue(ci.low() < ci.meanDifference() && ci.meanDifference() < ci.high());
        // Percentile bootstrap and t interval agree to within Monte Carlo noise for n = 400.
        assertEquals(t.low(), ci.low(), 0.1 * t.halfWidth());
        assertEquals(t.high(), ci.high(), 0.1 * t.halfWidth());
    }

    @Test
    void quantileInterpolatesLikeNumpy() {
        double[] sorted = {1, 2, 3, 4};
        // numpy.quantile([1,2,3,4], 0.25) = 1.75; 0.5 -> 2.5; 1 -> 4
        assertEquals(1.75, PairedBootstrap.quantileOfSorted(sorted, 0.25), 1e-15);
        assertEquals(2.5, PairedBootstrap.quantileOfSorted(sorted, 0.5), 1e-15);
        assertEquals(4.0, PairedBootstrap.quantileOfSorted(sorted, 1.0), 1e-15);
        assertEquals(1.0, PairedBootstrap.quantileOfSorted(sorted, 0.0), 1e-15);
    }

    @Test
    void rejectsMismatchedOrNaNPairsButCanDropThemExplicitly() {
        assertThrows(IllegalArgumentException.class,
                () -> PairedBootstrap.meanDifference(new double[] {1, 2}, new double[] {1}, 10, 0.95, 1));
        assertThrows(IllegalArgumentException.class,
                () -> PairedBootstrap.meanDifference(new double[] {1, Double.NaN}, new double[] {1, 2}, 10, 0.95, 1));
        PairedSamples kept = PairedSamples.dropIncompletePairs(
                new double[] {1, Double.NaN, 3, 4}, new double[] {0, 2, Double.NaN, 1});
        assertEquals(2, kept.size());
        assertEquals(2.0, kept.meanDifference(), 1e-15); // (1-0 + 4-1) / 2
    }
}

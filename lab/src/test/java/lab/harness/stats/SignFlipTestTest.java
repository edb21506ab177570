package lab.harness.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SignFlipTestTest {

    @Test
    void exactEnumerationByHand() {
        // d = 1, 2, 3: sums over 8 sign vectors are +-6, +-4, +-2, 0, 0; |sum| >= 6 twice -> 2/8.
        SignFlipTest.Result r = SignFlipTest.test(new double[] {1, 2, 3}, new double[] {0, 0, 0}, 10_000, 1);
        assertTrue(r.exact());
        assertEquals(8, r.permutations());
        assertEquals(0.25, r.pValue(), 1e-15);
        assertEquals(2.0, r.meanDifference(), 1e-15);

        // d = 1, -1, 2 (from a - b): |sum| = 2; sums are 4,0,2,-2,2,-2,0,-4 -> six of eight >= 2.
        SignFlipTest.Result r2 = SignFlipTest.test(new double[] {3, 0, 5}, new double[] {2, 1, 3}, 10_000, 1);
        assertEquals(0.75, r2.pValue(), 1e-15);
    }

    @Test
    void tiesUnderRoundingCountAsTies() {
        // d = 0.1, 0.2, -0.3, 0.4: |sum| = 0.4. In exact (rational) arithmetic 10 of the 16 sign
        // vectors reach |sum| >= 0.4; in floating point two of those exact ties land 1e-16 below
        // the observed sum, so a strict comparison would report 8/16.
        SignFlipTest.Result r = SignFlipTest.test(new double[] {0.1, 0.2, -0.3, 0.4}, new double[4], 100, 7);
        assertEquals(10.0 / 16.0, r.pValue(), 1e-15);
    }

    /** The tie tolerance is relative to the differences' size: the same test on differences 2^20 times smaller. */
    @Test
    void tieToleranceScalesWithTheDifferences() {
        double s = Math.scalb(1.0, -20);
        SignFlipTest.Result r = SignFlipTest.test(new double[] {0.1 * s, 0.2 * s, -0.3 * s, 0.4 * s}, new double[4], 100, 7);
        assertEquals(10.0 / 16.0, r.pValue(), 1e-15);
    }

    @Test
    void identicalRunsGivePOneAndZeroDifference() {
        double[] x = {0.3, -1.2, 5.0, 2.2, 0.0};
        SignFlipTest.Result exact = SignFlipTest.test(x, x.clone(), 10_000, 3);
        assertEquals(1.0, exact.pValue());
        assertEquals(0.0, exact.meanDifference());
        double[] big = new Random(5).doubles(100).toArray();
        SignFlipTest.Result mc = SignFlipTest.test(big, big.clone(), 2_000, 3);
        assertFalse(mc.exact());
        assertEquals(1.0, mc.pValue());
    }

    @Test
    void monteCarloIsSeededAndDetectsAClearShift() {
        Random random = new Random(11);
        double[] a = new double[60];
        double[] b = new double[60];
        for (int i = 0; i < 60; i++) {
            b[i] = random.nextGaussian();
            a[i] = b[i] + 0.8 + 0.5 * random.nextGaussian();
        }
        SignFlipTest.Result r1 = SignFlipTest.test(a, b, 5_000, 42);
        SignFlipTest.Result r2 = SignFlipTest.test(a, b, 5_000, 42);
        assertEquals(r1, r2, "same seed, same answer");
        assertFalse(r1.exact());
        // Nothing in 5000 null draws reaches a shift of ~11 standard errors: p = 1/5001 exactly.
        assertEquals(1.0 / 5001.0, r1.pValue(), 1e-15);
    }

    @Test
    void monteCarloAgreesWithExactWhenBothApply() {
        Random random = new Random(3);
        double[] a = random.doubles(12).toArray();
        double[] b = random.doubles(12).toArray();
        SignFlipTest.Result exact = SignFlipTest.test(a, b, 1 << 12, 0);
        SignFlipTest.Result mc = SignFlipTest.test(a, b, (1 << 12) - 1, 9);
        assertTrue(exact.exact());
        assertFalse(mc.exact());
        // Monte Carlo standard error at p ~ 0.5 with 4095 draws is ~0.008.
        assertEquals(exact.pValue(), mc.pValue(), 0.04);
    }
}

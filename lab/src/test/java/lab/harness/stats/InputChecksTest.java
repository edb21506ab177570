package lab.harness.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The edges of every statistic's input: the smallest allowed value works, the first refused one is
 * refused (PIT's boundary mutants survived here), and unequal lengths are an error.
 */
class InputChecksTest {

    private static final PairedSamples PAIRS = PairedSamples.of(new double[] {1, 2, 4}, new double[] {0, 0, 1});

    @Test
    void levelsZeroAndOneAreRefusedEverywhere() {
        for (double level : new double[] {0.0, 1.0}) {
            assertThrows(IllegalArgumentException.class, () -> StudentT.twoSidedCritical(level, 3));
            assertThrows(IllegalArgumentException.class, () -> StudentT.quantile(level, 3));
            assertThrows(IllegalArgumentException.class, () -> MeanConfidenceInterval.of(new double[] {1, 2}, level));
            assertThrows(IllegalArgumentException.class, () -> PairedBootstrap.meanDifference(PAIRS, 10, level, 0));
        }
        assertThrows(IllegalArgumentException.class, () -> StudentT.quantile(0.5, 0));
        // refused by the check itself, not later by whatever the level flows into
        for (double level : new double[] {0.0, 1.0}) {
            var single = assertThrows(IllegalArgumentException.class, () -> MeanConfidenceInterval.of(new double[] {1}, level));
            assertTrue(single.getMessage().contains("confidence level must be in (0, 1)"), single.getMessage());
            var critical = assertThrows(IllegalArgumentException.class, () -> StudentT.twoSidedCritical(level, 3));
            assertTrue(critical.getMessage().contains("confidence level must be in (0, 1), was " + level), critical.getMessage());
        }
    }

    @Test
    void oneDegreeOfFreedomOneResampleAndOnePermutationAreAllowed() {
        // t(0.975, 1) = 12.7062047361747 (tables)
        assertEquals(12.7062047361747, StudentT.twoSidedCritical(0.95, 1), 1e-9);
        assertEquals(12.7062047361747, StudentT.quantile(0.975, 1), 1e-9);
        PairedBootstrap.Interval one = PairedBootstrap.meanDifference(PAIRS, 1, 0.95, 7);
        assertEquals(2.0, one.meanDifference(), 1e-15);
        assertEquals(1, one.resamples());
        assertThrows(IllegalArgumentException.class, () -> PairedBootstrap.meanDifference(PAIRS, 0, 0.95, 7));
        // 3 pairs need 8 sign vectors, so one permutation is a Monte Carlo estimate: (1 + hits) / 2
        SignFlipTest.Result r = SignFlipTest.test(PAIRS, 1, 3);
        assertFalse(r.exact());
        assertTrue(r.pValue() == 0.5 || r.pValue() == 1.0, "p " + r.pValue());
        assertThrows(IllegalArgumentException.class, () -> SignFlipTest.test(PAIRS, 0, 3));
    }

    @Test
    void anIntervalNeedsTwoValues() {
        assertTrue(MeanConfidenceInterval.of(new double[] {1, 3}, 0.95).hasInterval());
        assertFalse(MeanConfidenceInterval.of(new double[] {1}, 0.95).hasInterval());
    }

    @Test
    void unequalLengthsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> McNemarTest.test(new boolean[2], new boolean[3]));
        assertThrows(IllegalArgumentException.class, () -> PairedSamples.dropIncompletePairs(new double[] {1, 2}, new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> PairedSamples.of(new double[] {1, 2}, new double[] {1}));
    }
}

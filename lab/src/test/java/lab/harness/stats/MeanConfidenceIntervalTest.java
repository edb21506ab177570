package lab.harness.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MeanConfidenceIntervalTest {

    @Test
    void threeValuesByHand() {
        // x = 1, 2, 6: mean 3; squared deviations 4 + 1 + 9 = 14; var = 14/2 = 7; std = sqrt 7.
        // half width = t_{0.975,2} * sqrt(7) / sqrt(3) = 4.302652729749462 * 1.527525231651947.
        MeanConfidenceInterval ci = MeanConfidenceInterval.of(new double[] {1, 2, 6}, 0.95);
        double half = 4.302652729749462 * Math.sqrt(7.0 / 3.0);
        assertEquals(3.0, ci.mean(), 1e-12);
        assertEquals(Math.sqrt(7), ci.std(), 1e-12);
        assertEquals(3, ci.n());
        assertEquals(3.0 - half, ci.low(), 1e-9);
        assertEquals(3.0 + half, ci.high(), 1e-9);
        assertEquals(half, ci.halfWidth(), 1e-9);
        assertEquals(9.572, ci.high(), 0.001); // 3 + 6.572
    }

    @Test
    void twoValuesUseTheOneDegreeOfFreedomQuantile() {
        // x = 0, 2: mean 1, std sqrt 2, half width = 12.706 * sqrt2 / sqrt2 = 12.706.
        MeanConfidenceInterval ci = MeanConfidenceInterval.of(new double[] {0, 2}, 0.95);
        assertEquals(1.0 - 12.706204736174694, ci.low(), 1e-8);
        assertEquals(1.0 + 12.706204736174694, ci.high(), 1e-8);
    }

    @Test
    void oneValueHasMeanButNoSpreadOrInterval() {
        MeanConfidenceInterval ci = MeanConfidenceInterval.of(new double[] {4.5}, 0.95);
        assertEquals(4.5, ci.mean());
        assertEquals(1, ci.n());
        assertTrue(Double.isNaN(ci.std()));
        assertTrue(Double.isNaN(ci.low()));
        assertTrue(Double.isNaN(ci.high()));
        assertFalse(ci.hasInterval());
    }

    @Test
    void emptyAndNaNInputs() {
        MeanConfidenceInterval empty = MeanConfidenceInterval.of(new double[0], 0.95);
        assertEquals(0, empty.n());
        assertTrue(Double.isNaN(empty.mean()));
        assertThrows(IllegalArgumentException.class, () -> MeanConfidenceInterval.of(new double[] {1, Double.NaN}, 0.95));
    }

    @Test
    void constantValuesGiveAZeroWidthInterval() {
        MeanConfidenceInterval ci = MeanConfidenceInterval.of(new double[] {2.5, 2.5, 2.5, 2.5}, 0.95);
        assertEquals(0.0, ci.std());
        assertEquals(2.5, ci.low());
        assertEquals(2.5, ci.high());
    }
}

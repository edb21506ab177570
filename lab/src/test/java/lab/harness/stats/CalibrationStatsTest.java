package lab.harness.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** ExpectedCalibrationError and TemperatureScaling against values worked out by hand. */
class CalibrationStatsTest {

    @Test
    void eceWeighsEachBinsGapByItsShare() {
        // 15 bins of width 1/15: 0.95 -> bin 14, 0.9 -> 13, 0.65 and 0.62 -> 9, 0.3 -> 4
        var r = ExpectedCalibrationError.of(new double[] {0.95, 0.9, 0.65, 0.62, 0.3},
                new boolean[] {true, false, true, true, false}, 15);
        // 1/5 |1 - 0.95| + 1/5 |0 - 0.9| + 2/5 |1 - 0.635| + 1/5 |0 - 0.3| = 0.01 + 0.18 + 0.146 + 0.06
        assertEquals(0.396, r.ece(), 1e-12);
        assertEquals(5, r.n());
        assertEquals(15, r.bins().size());
        var nine = r.bins().get(9);
        assertEquals(2, nine.count());
        assertEquals(0.635, nine.meanConfidence(), 1e-12);
        assertEquals(1.0, nine.accuracy());
        assertEquals(0.6, nine.lower(), 1e-12);
        assertEquals(0.0, r.bins().get(0).count());
        assertTrue(Double.isNaN(r.bins().get(0).accuracy()), "an empty bin has no accuracy");
    }

    @Test
    void binsAreOpenBelowAndClosedAbove() {
        // 0.5 with 2 bins lies in (0, 0.5], 1.0 in (0.5, 1], 0.0 in the first
        var r = ExpectedCalibrationError.of(new double[] {0.5, 1.0, 0.0}, new boolean[] {true, true, false}, 2);
        assertEquals(2, r.bins().get(0).count());
        assertEquals(1, r.bins().get(1).count());
        // 2/3 |0.5 - 0.25| + 1/3 |1 - 1| = 1/6
        assertEquals(1.0 / 6, r.ece(), 1e-12);
    }

    @Test
    void eceRefusesBadInput() {
        assertThrows(IllegalArgumentException.class, () -> ExpectedCalibrationError.of(new double[] {1.2}, new boolean[] {true}, 15));
        assertThrows(IllegalArgumentException.class, () -> ExpectedCalibrationError.of(new double[] {0.5}, new boolean[0], 15));
        assertThrows(IllegalArgumentException.class, () -> ExpectedCalibrationError.of(new double[0], new boolean[0], 15));
    }

    @Test
    void temperatureMatchesTheAccuracyOfABinaryTask() {
        // logits (2, 0), right 3 times in 4: the NLL is least where sigmoid(2 / T) = 3/4, T = 2 / ln 3
        double[][] logits = {{2, 0}, {2, 0}, {2, 0}, {2, 0}};
        int[] targets = {0, 0, 0, 1};
        var fit = TemperatureScaling.fit(logits, targets);
        assertEquals(2 / Math.log(3), fit.temperature(), 1e-6);
        assertEquals(1.8204784532536746, fit.temperature(), 1e-6);
        // at T = 1: -(3/4 ln sigmoid(2) + 1/4 ln sigmoid(-2)); at T: the entropy of 3/4
        assertEquals(0.6269280110429727, fit.nllBefore(), 1e-12);
        assertEquals(0.5623351446188083, fit.nllAfter(), 1e-10);
        assertFalse(fit.atBound());
    }

    @Test
    void topProbabilityIsTheSoftmaxMaximumAtTheTemperature() {
        // e^3 / (e^3 + e + 1) at T = 1; at T = 2 the logits halve: e^1.5 / (e^1.5 + e^0.5 + 1)
        assertEquals(0.8437947344813395, TemperatureScaling.topProbability(new double[] {1, 3, 0}, 1), 1e-12);
        assertEquals(0.6285317192117624, TemperatureScaling.topProbability(new double[] {1, 3, 0}, 2), 1e-12);
        assertEquals(1, TemperatureScaling.argmax(new double[] {1, 3, 0}));
    }

    @Test
    void allRightSharpensToTheLowerBound() {
        var fit = TemperatureScaling.fit(new double[][] {{1, 0}, {0, 1}}, new int[] {0, 1});
        assertTrue(fit.atBound());
        assertEquals(TemperatureScaling.MIN_T, fit.temperature(), 1e-5);
        assertThrows(IllegalArgumentException.class, () -> TemperatureScaling.fit(new double[][] {{1, 0}}, new int[] {2}));
    }
}

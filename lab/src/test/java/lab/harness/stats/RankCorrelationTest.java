package lab.harness.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RankCorrelationTest {

    @Test
    void withoutTiesSpearmanIsTheTextbookFormula() {
        // rank differences 1, 1, 1, 1, 0: rho = 1 - 6 * 4 / (5 * (25 - 1)) = 0.8
        assertEquals(0.8, RankCorrelation.spearman(new double[] {10, 20, 30, 40, 50}, new double[] {2, 1, 4, 3, 5}), 1e-12);
        // only the order counts: a monotone transform leaves it at 1
        assertEquals(1.0, RankCorrelation.spearman(new double[] {1, 2, 3, 4}, new double[] {1, 8, 27, 1000}), 1e-12);
        assertEquals(-1.0, RankCorrelation.spearman(new double[] {1, 2, 3, 4}, new double[] {4, 3, 2, -7}), 1e-12);
    }

    @Test
    void tiesShareTheirMeanRank() {
        assertArrayEquals(new double[] {1, 2.5, 2.5, 4}, RankCorrelation.averageRanks(new double[] {-1, 0, 0, 5}), 0);
        // ranks (1, 2.5, 2.5, 4) against (1, 2, 3, 4): covariance 4.5, variances 4.5 and 5
        assertEquals(4.5 / Math.sqrt(4.5 * 5), RankCorrelation.spearman(new double[] {-1, 0, 0, 5}, new double[] {1, 2, 3, 4}), 1e-12);
    }

    @Test
    void pearsonOfALinearRelationIsOneAndAConstantHasNone() {
        assertEquals(1.0, RankCorrelation.pearson(new double[] {1, 2, 4}, new double[] {3, 5, 9}), 1e-12);
        assertEquals(-0.5, RankCorrelation.pearson(new double[] {1, 2, 3}, new double[] {2, 3, 1}), 1e-12);
        assertTrue(Double.isNaN(RankCorrelation.spearman(new double[] {1, 2, 3}, new double[] {7, 7, 7})));
    }

    @Test
    void unequalLengthsAndNaNAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> RankCorrelation.spearman(new double[] {1, 2}, new double[] {1}));
        var e = assertThrows(IllegalArgumentException.class,
                () -> RankCorrelation.pearson(new double[] {1, Double.NaN}, new double[] {1, 2}));
        assertTrue(e.getMessage().contains("NaN at index 1"), e.getMessage());
    }
}
